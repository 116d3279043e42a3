import { EventEmitter } from 'node:events';
import {
  END,
  START,
  StreamNotFoundError,
  TimeoutError,
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

/** gRPC's status code ABORTED. */
const ABORTED = 10;

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
 * with 0-based revisions, atomic multi-stream appends checked against expected states as the
 * server checks them (its own idempotency and its one group per stream included), reads
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
    refuseStreamsTwice(requests);
    const checks = requests.map((request) => this.check(request));
    if (checks.every((check) => check.decision === 'idempotent')) return this.alreadyWritten(requests, checks);
    // A refused stream is named first; a mixture of written and new is refused as a whole too.
    const refused = checks.find((check) => check.decision === 'refused') ?? checks.find((check) => check.decision !== 'ok');
    if (refused) throw new WrongExpectedVersionError(undefined, { streamName: refused.streamName, expected: refused.expected, current: refused.current });
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

  /**
   * The server's commit check of one stream (IndexWriter.CheckCommit): an append at the end is
   * new; one behind the end, or expecting no stream where one exists, whose records are the ones
   * that follow there (by record id) is a retry of a write already made; anything else is
   * refused. `any` is taken as new: the server also knows recent ids then, but the adapter never
   * sends it.
   */
  private check(request: AppendStreamRequest): StreamCheck {
    const records = this.streams.get(request.streamName);
    const current: StreamCheck['current'] = records ? records[records.length - 1]!.revision : 'no_stream';
    const expected = request.expectedState;
    const named = { streamName: request.streamName, expected, current };
    if (expected === 'any') return { ...named, decision: 'ok' };
    if (expected === 'stream_exists') return { ...named, decision: records ? 'ok' : 'refused' };
    const at = current === 'no_stream' ? -1n : current;
    const wanted = expected === 'no_stream' ? -1n : expected;
    if (wanted === at) return { ...named, decision: 'ok' };
    if (wanted > at) return { ...named, decision: 'refused' };
    const written = request.events.length > 0 && request.events.every((event, i) => records![Number(wanted) + 1 + i]?.id === event.id.toUpperCase());
    return { ...named, decision: written ? 'idempotent' : 'refused', end: wanted + BigInt(request.events.length) };
  }

  /** Every stream's records are already there: the server answers success and writes nothing. */
  private alreadyWritten(requests: readonly AppendStreamRequest[], checks: readonly StreamCheck[]): MultiAppendResult {
    const responses = requests.map((request, i) => ({ streamName: request.streamName, revision: checks[i]!.end! }));
    const last = responses.map(({ streamName, revision }) => this.streams.get(streamName)![Number(revision)]!.position.commit);
    return { position: last.reduce((a, b) => (a > b ? a : b)), responses };
  }
}

interface StreamCheck {
  readonly streamName: string;
  readonly expected: AppendStreamRequest['expectedState'];
  readonly current: bigint | 'no_stream';
  readonly decision: 'ok' | 'idempotent' | 'refused';
  /** The revision of the last record an idempotent append would have written. */
  readonly end?: bigint;
}

/**
 * The server takes each stream once per append session, comparing names without letter case
 * (StreamAlreadyInAppendSession, status ABORTED), which the client reports as a TimeoutError.
 */
function refuseStreamsTwice(requests: readonly AppendStreamRequest[]): void {
  const seen = new Set<string>();
  for (const { streamName } of requests) {
    const key = streamName.toLowerCase();
    if (seen.has(key)) {
      const message = `Stream '${streamName}' already has a different group of messages in this session.`;
      throw Object.assign(new TimeoutError(undefined, message), { code: ABORTED });
    }
    seen.add(key);
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
