import { MAX_BATCH_EVENTS, streamIdOf, validateEvent, type JourneyEvent } from '@journey/contracts';
import { dataset, type DatasetOptions } from '@journey/datagen';
import type { AppendRequest, EventStore } from '@journey/event-store';
import { EngineRefusedError, SeedRejectedError } from '../cli-errors';
import { Progress } from './progress';

/** Where seeded events go: the store directly, or the HTTP ingest of a running engine. */
export interface SeedSink {
  write(events: readonly JourneyEvent[]): Promise<SeedWritten>;
}

/** What became of the events of one write: appended now, or found stored before (the same id and content). */
export interface SeedWritten {
  readonly appended: number;
  readonly alreadyStored: number;
}

export interface SeedReport {
  readonly customers: number;
  /** Every event generated and written, appended or found stored before. */
  readonly events: number;
  readonly appended: number;
  /** Stored by an earlier run of the same seed, options and --until: nothing new. */
  readonly alreadyStored: number;
  readonly seconds: number;
  /** Where the history ends (--until, by default the start of the day, UTC): the same seed, options and end give the same events. */
  readonly until: string;
}

export interface SeedOptions extends DatasetOptions {
  /** Events per call (default 500). */
  readonly batch?: number;
  /** Calls in flight at once (default 4). */
  readonly concurrency?: number;
  readonly quiet?: boolean;
}

/**
 * Streams a generated population into a sink, `concurrency` calls at a time. Calls go out in
 * the order the events were generated, and the store keeps each stream's calls in that order.
 */
export async function seed(sink: SeedSink, options: SeedOptions, now: Date): Promise<SeedReport> {
  const started = performance.now();
  const batchSize = options.batch ?? 500;
  const concurrency = options.concurrency ?? 4;
  const progress = options.quiet ? undefined : new Progress('customers', options.customers);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let events = 0;
  let appended = 0;
  let alreadyStored = 0;
  let customers = 0;
  let batch: JourneyEvent[] = [];

  const send = async (chunk: JourneyEvent[]): Promise<void> => {
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
    const call = sink.write(chunk).then(
      (written) => {
        events += chunk.length;
        appended += written.appended;
        alreadyStored += written.alreadyStored;
        progress?.update(customers, events);
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    const tracked = call.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  const generated = dataset(options, now);
  for (const customer of generated.customers()) {
    batch.push(...customer.events);
    customers++;
    if (batch.length >= batchSize) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await send(batch);
  await Promise.all(inFlight);
  if (failure) throw failure;
  progress?.finish(customers, events);
  return { customers, events, appended, alreadyStored, seconds: (performance.now() - started) / 1000, until: new Date(generated.shape.until).toISOString() };
}

/** The appended and the already stored among what ingest answered, one result per event. */
export function writtenOf(results: ReadonlyArray<{ readonly status: string }>): SeedWritten {
  const appended = results.filter((result) => result.status === 'appended').length;
  return { appended, alreadyStored: results.filter((result) => result.status === 'duplicate').length };
}

/** Appends through the library, each event validated as HTTP ingest would. */
export function storeSink(store: EventStore, now: Date): SeedSink {
  return {
    async write(events) {
      const byStream = new Map<string, JourneyEvent[]>();
      for (const event of events) {
        const verdict = validateEvent(event, { now });
        if (!verdict.ok) {
          throw new SeedRejectedError(event.eventId, verdict.errors.map((e) => `${e.field} ${e.reason}`));
        }
        const streamId = streamIdOf(event);
        const list = byStream.get(streamId) ?? [];
        list.push(event);
        byStream.set(streamId, list);
      }
      const requests: AppendRequest[] = [...byStream].map(([streamId, list]) => ({ streamId, events: list }));
      const { outcomes } = await store.appendMany(requests);
      const conflict = outcomes.find((outcome) => outcome.status === 'conflict');
      if (conflict?.status === 'conflict') throw new SeedRejectedError(conflict.eventId, [conflict.reason]);
      return writtenOf(outcomes);
    },
  };
}

/** Attempts of one call to an engine that answers 429 or 503 (wait and send again). */
const HTTP_ATTEMPTS = 10;

/**
 * Posts batches to a running engine's /v1/events with an API key of the ingest role, each in
 * calls of at most the API's maximum; a 429 or 503 is sent again after its Retry-After.
 */
export function httpSink(baseUrl: string, key: string, wait: (ms: number) => Promise<void> = sleep): SeedSink {
  const url = new URL('/v1/events', baseUrl).toString();
  const post = async (events: readonly JourneyEvent[]): Promise<SeedWritten> => {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ events }),
      });
      const text = await response.text();
      if (response.status === 202) return writtenOf(resultsOf(text, events.length) ?? unreadable(url, text));
      if ((response.status === 429 || response.status === 503) && attempt < HTTP_ATTEMPTS) {
        await wait(retryAfterMs(response.headers.get('retry-after')) ?? 500 * attempt);
        continue;
      }
      throw new EngineRefusedError(url, response.status, text.slice(0, 500));
    }
  };
  return {
    async write(events) {
      let appended = 0;
      let alreadyStored = 0;
      // In order: a customer's events may span two calls, the second after the first.
      for (let start = 0; start < events.length; start += MAX_BATCH_EVENTS) {
        const written = await post(events.slice(start, start + MAX_BATCH_EVENTS));
        appended += written.appended;
        alreadyStored += written.alreadyStored;
      }
      return { appended, alreadyStored };
    },
  };
}

/** The results of a 202 from POST /v1/events (one per event sent), or nothing when the body holds none. */
function resultsOf(text: string, sent: number): ReadonlyArray<{ readonly status: string }> | undefined {
  try {
    const results = (JSON.parse(text) as { results?: unknown }).results;
    return Array.isArray(results) && results.length === sent && results.every((r) => typeof (r as { status?: unknown })?.status === 'string') ? results : undefined;
  } catch {
    return undefined;
  }
}

/** A 202 whose body does not say what became of each event: not the engine's POST /v1/events. */
function unreadable(url: string, text: string): never {
  throw new EngineRefusedError(url, 202, `no result per event in the answer: ${text.slice(0, 500)}`);
}

/** Retry-After in seconds (the engine gives no HTTP dates), or nothing when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
