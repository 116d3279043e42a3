import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MAX_BATCH_EVENTS } from '@journey/contracts';
import { EVENT_STORE, type EventStore, type ExpectedVersion } from '@journey/event-store';
import { ADMISSION, ADMISSION_RETRY_AFTER_SECONDS, admissionProblem, CLOCK, RequestRejectedError, type AdmissionGate, type Clock } from '@journey/platform';
import { AppendEventsCommand } from './append-events.command';
import { ingestEvents, type EventResult } from './ingest-events';
import type { IngestReply } from './ingest-reply';

export type { EventResult, IngestReply };

const BATCH_KEYS = new Set(['events', 'expectedVersions']);

/**
 * POST /v1/events: one event, or `{events: [...], expectedVersions?: {stream: version}}`.
 * Valid events are appended together as one caller (their version checks hold for all or
 * none); invalid ones are reported with the field and the reason. Nothing is acknowledged
 * before it is committed.
 */
@CommandHandler(AppendEventsCommand)
export class AppendEventsHandler implements ICommandHandler<AppendEventsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ADMISSION) private readonly admission: AdmissionGate,
  ) {}

  async execute({ body, expectedVersion: expectedVersionParam }: AppendEventsCommand): Promise<IngestReply> {
    const verdict = this.admission.verdict;
    if (!verdict.open) {
      // The pipeline lags past the admission limit: nothing is read or written, the client retries later.
      const { title, status: _status, type: _type, ...details } = admissionProblem(verdict);
      throw new RequestRejectedError(429, title, [], { ...details, retryAfter: ADMISSION_RETRY_AFTER_SECONDS });
    }
    const batch = isBatch(body);
    const inputs = batch ? this.batchEvents(body) : [body];
    const expected = batch ? parseExpectedVersions(body) : parseSingleExpectation(expectedVersionParam);
    const prefix = (i: number): string => (batch ? `events[${i}]` : '');

    const all = await ingestEvents(this.store, inputs, { now: this.clock(), expected, fieldPrefix: prefix });
    const rejected = all.filter((result) => result.status === 'rejected').length;
    const accepted = all.length - rejected;
    if (accepted === 0) {
      throw new RequestRejectedError(
        400,
        batch ? 'No event was accepted' : 'Invalid event',
        all.flatMap((result) => (result.status === 'rejected' ? result.errors : [])),
        { results: all },
      );
    }
    return { status: rejected === 0 ? 202 : 207, body: { accepted, rejected, results: all } };
  }

  private batchEvents(body: Record<string, unknown>): unknown[] {
    const unknown = Object.keys(body).filter((key) => !BATCH_KEYS.has(key));
    if (unknown.length > 0) {
      throw new RequestRejectedError(400, 'Invalid batch', unknown.map((field) => ({ field, reason: 'is not a known field of a batch' })));
    }
    const events = body.events;
    if (!Array.isArray(events)) throw new RequestRejectedError(400, 'Invalid batch', [{ field: 'events', reason: 'must be an array of events' }]);
    if (events.length === 0) throw new RequestRejectedError(400, 'Invalid batch', [{ field: 'events', reason: 'must not be empty' }]);
    if (events.length > MAX_BATCH_EVENTS) {
      throw new RequestRejectedError(413, 'Batch too large', [
        { field: 'events', reason: `holds ${events.length} events; a batch may hold at most ${MAX_BATCH_EVENTS}` },
      ]);
    }
    return events;
  }
}

function isBatch(body: unknown): body is Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RequestRejectedError(400, 'Invalid body', [{ field: 'body', reason: 'must be an event object or {"events": [...]}' }]);
  }
  return Object.prototype.hasOwnProperty.call(body, 'events') && !Object.prototype.hasOwnProperty.call(body, 'eventId');
}

function parseExpectedVersions(body: Record<string, unknown>): Map<string, ExpectedVersion> | undefined {
  const raw = body.expectedVersions;
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RequestRejectedError(400, 'Invalid batch', [{ field: 'expectedVersions', reason: 'must map stream ids to versions' }]);
  }
  const map = new Map<string, ExpectedVersion>();
  for (const [streamId, version] of Object.entries(raw)) {
    const parsed = parseVersion(version);
    if (parsed === undefined) {
      throw new RequestRejectedError(400, 'Invalid batch', [
        { field: `expectedVersions.${streamId}`, reason: 'must be a non-negative integer or "no_stream"' },
      ]);
    }
    map.set(streamId, parsed);
  }
  return map;
}

function parseSingleExpectation(param: string | undefined): ExpectedVersion | undefined {
  if (param === undefined) return undefined;
  const parsed = parseVersion(/^\d+$/.test(param) ? Number(param) : param);
  if (parsed === undefined) {
    throw new RequestRejectedError(400, 'Invalid request', [
      { field: 'expectedVersion', reason: 'must be a non-negative integer or "no_stream"' },
    ]);
  }
  return parsed;
}

function parseVersion(value: unknown): ExpectedVersion | undefined {
  if (value === 'no_stream') return 'no_stream';
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value === 0 ? 'no_stream' : value;
  return undefined;
}
