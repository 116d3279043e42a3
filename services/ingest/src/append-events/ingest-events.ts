import { streamIdOf, validateEvent, type FieldError, type JourneyEvent } from '@journey/contracts';
import type { AppendRequest, EventStore, ExpectedVersion } from '@journey/event-store';

export type EventResult =
  | { readonly index: number; readonly eventId: string; readonly status: 'appended' | 'duplicate'; readonly streamId: string; readonly position: number }
  | { readonly index: number; readonly eventId?: string; readonly status: 'rejected'; readonly errors: readonly FieldError[] };

export interface IngestOptions {
  readonly now: Date;
  /** One expectation for every stream, or one per stream; absent means any version. */
  readonly expected?: ExpectedVersion | ReadonlyMap<string, ExpectedVersion>;
  /** Where the i-th input sits in what the client sent (`events[3]`), prefixed to its fields. */
  readonly fieldPrefix?: (index: number) => string;
  /** What a problem of a whole event is named when it has no prefix (default `body`). */
  readonly rootField?: string;
}

/**
 * Validates the inputs (events as upstream apps send them) and appends the valid ones together,
 * as one caller: per stream in the order given, their version checks holding for all or none.
 * The result lists every input, in order: appended, duplicate, or rejected with its fields and
 * reasons. Failures of the store itself (unavailable, a version conflict) are thrown.
 */
export async function ingestEvents(store: EventStore, inputs: readonly unknown[], options: IngestOptions): Promise<EventResult[]> {
  const prefix = options.fieldPrefix ?? (() => '');
  const root = options.rootField ?? 'body';
  const results: Array<EventResult | undefined> = new Array(inputs.length);
  const byStream = new Map<string, { events: JourneyEvent[]; indexes: number[] }>();
  inputs.forEach((input, index) => {
    const verdict = validateEvent(input, { now: options.now });
    if (!verdict.ok) {
      results[index] = { index, eventId: eventIdOf(input), status: 'rejected', errors: verdict.errors.map((e) => ({ field: joinField(prefix(index), e.field, root), reason: e.reason })) };
      return;
    }
    const streamId = streamIdOf(verdict.event);
    const group = byStream.get(streamId) ?? { events: [], indexes: [] };
    group.events.push(verdict.event);
    group.indexes.push(index);
    byStream.set(streamId, group);
  });

  if (byStream.size > 0) {
    const requests: AppendRequest[] = [];
    const order: number[] = [];
    const expected = options.expected;
    for (const [streamId, group] of byStream) {
      const single = expected instanceof Map ? expected.get(streamId) : (expected as ExpectedVersion | undefined);
      requests.push({ streamId, events: group.events, expected: single ?? 'any' });
      order.push(...group.indexes);
    }
    const { outcomes } = await store.appendMany(requests);
    outcomes.forEach((outcome, k) => {
      const index = order[k]!;
      results[index] =
        outcome.status === 'conflict'
          ? { index, eventId: outcome.eventId, status: 'rejected', errors: [{ field: joinField(prefix(index), 'eventId', root), reason: outcome.reason }] }
          : { index, eventId: outcome.eventId, status: outcome.status, streamId: outcome.streamId, position: outcome.streamPosition };
    });
  }
  return results as EventResult[];
}

/** The event id a refused input carried, when it is a plausible one to name it by. */
export function eventIdOf(input: unknown): string | undefined {
  const id = (input as { eventId?: unknown } | null)?.eventId;
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
}

function joinField(prefix: string, field: string, root: string): string {
  if (!prefix) return field || root;
  if (!field) return prefix;
  return field.startsWith('[') ? prefix + field : `${prefix}.${field}`;
}
