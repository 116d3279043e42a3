import { EventEmitter } from 'node:events';
import {
  END,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendStreamRequest,
  type KurrentDBClient,
  type MultiAppendResult,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';

interface StoredRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly created: Date;
  readonly position: Position;
}

/**
 * The part of the KurrentDB client the adapter uses, in memory, for specs of the adapter's own
 * logic (a server runs only where Docker or EVENTSTORE_URL is): one log in append order, streams
 * with 0-based revisions, atomic multi-stream appends checked against expected states, reads
 * that start at their position (inclusive) and the server's filter on event types. Only what
 * the adapter relies on is modelled; the contract suite checks the real server.
 */
export class KurrentClientDouble {
  readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly live = new EventEmitter();
  private nextPosition = 1000n;
  /** Calls of multiStreamAppend, refused ones included. */
  appendCalls = 0;

  constructor() {
    // A system event the adapter must never hand out.
    this.write([{ streamName: '$settings', expectedState: 'any', events: [{ id: '11111111-1111-4111-8111-111111111111', contentType: 'application/json', type: '$settings', data: {}, metadata: undefined }] }]);
  }

  asClient(): KurrentDBClient {
    return this as unknown as KurrentDBClient;
  }

  async multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult> {
    this.appendCalls++;
    await Promise.resolve();
    for (const request of requests) {
      for (const event of request.events) {
        const metadata = event.metadata as Record<string, unknown> | undefined;
        if (metadata && Object.values(metadata).some((value) => typeof value !== 'string')) {
          throw new Error('multiStreamAppend requires metadata to be a plain object with string keys and string values.');
        }
      }
    }
    return this.write(requests);
  }

  async *readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterableIterator<ResolvedEvent> {
    await Promise.resolve();
    const records = this.streams.get(streamName);
    if (!records) throw new StreamNotFoundError(undefined, streamName);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? END : START);
    const ordered = backwards ? [...records].reverse() : records;
    let count = 0;
    for (const record of ordered) {
      if (count >= Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)) return;
      if (typeof from === 'bigint' && (backwards ? record.revision > from : record.revision < from)) continue;
      count++;
      yield resolved(record);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterableIterator<AllStreamResolvedEvent> {
    await Promise.resolve();
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition ?? (backwards ? END : START);
    const filter = options.filter && 'regex' in options.filter ? new RegExp(options.filter.regex) : undefined;
    const ordered = backwards ? [...this.log].reverse() : [...this.log];
    let count = 0;
    for (const record of ordered) {
      if (count >= Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)) return;
      if (typeof from === 'object' && (backwards ? compare(record.position, from) > 0 : compare(record.position, from) < 0)) continue;
      if (filter && !filter.test(record.type)) continue;
      count++;
      yield resolved(record) as AllStreamResolvedEvent;
    }
  }

  subscribeToAll(): EventEmitter & { unsubscribe(): Promise<void> } {
    const subscription = Object.assign(new EventEmitter(), {
      unsubscribe: async () => {
        this.live.off('record', forward);
      },
    });
    const forward = (record: StoredRecord): void => void subscription.emit('data', resolved(record));
    this.live.on('record', forward);
    return subscription;
  }

  /** Rewrites a stored event's data behind the store's back, as only an attack on the files could. */
  tamper(streamId: string, revision: number, data: object): void {
    const records = this.streams.get(streamId)!;
    const changed = { ...records[revision]!, data: JSON.stringify(data) };
    records[revision] = changed;
    this.log[this.log.findIndex((record) => record.streamId === streamId && record.revision === changed.revision)] = changed;
  }

  async dispose(): Promise<void> {
    this.live.removeAllListeners();
  }

  private write(requests: readonly AppendStreamRequest[]): MultiAppendResult {
    for (const request of requests) {
      const current = this.streams.get(request.streamName);
      const actual = current ? current[current.length - 1]!.revision : 'no_stream';
      const expected = request.expectedState;
      const ok = expected === 'any' || (expected === 'stream_exists' ? current !== undefined : expected === actual);
      if (!ok) throw new WrongExpectedVersionError(undefined, { streamName: request.streamName, expected, current: actual });
    }
    const responses = requests.map((request) => {
      const records = this.streams.get(request.streamName) ?? [];
      this.streams.set(request.streamName, records);
      for (const event of request.events) {
        const position = { commit: this.nextPosition, prepare: this.nextPosition };
        this.nextPosition += 100n;
        const record: StoredRecord = {
          streamId: request.streamName,
          id: event.id.toUpperCase(),
          revision: BigInt(records.length),
          type: event.type,
          data: JSON.stringify(event.data),
          metadata: JSON.stringify(event.metadata ?? {}),
          created: new Date(),
          position,
        };
        records.push(record);
        this.log.push(record);
        this.live.emit('record', record);
      }
      return { streamName: request.streamName, revision: records[records.length - 1]!.revision };
    });
    return { position: this.nextPosition - 100n, responses };
  }
}

function resolved(record: StoredRecord): ResolvedEvent {
  return {
    event: {
      streamId: record.streamId,
      id: record.id,
      revision: record.revision,
      type: record.type,
      created: record.created,
      isJson: true,
      data: JSON.parse(record.data) as Record<string, unknown>,
      metadata: JSON.parse(record.metadata) as Record<string, unknown>,
      position: record.position,
    },
    commitPosition: record.position.commit,
  } as ResolvedEvent;
}

function compare(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}
