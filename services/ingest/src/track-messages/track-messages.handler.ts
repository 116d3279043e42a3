import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MAX_BATCH_EVENTS, type FieldError } from '@journey/contracts';
import { EVENT_STORE, type EventStore } from '@journey/event-store';
import { CLOCK, LOGGER, RequestRejectedError, type Clock, type Logger } from '@journey/platform';
import { AppendEventsCommand } from '../append-events/append-events.command';
import type { EventResult } from '../append-events/ingest-events';
import { isSegmentCall, SEGMENT_CALLS } from './segment-message';
import { isResentAs, takenAt } from './message-resent';
import { messageEventId, translateMessage, type EventInput, type Translation } from './segment-translate';
import { TrackMessagesCommand } from './track-messages.command';
import { TRACK_MAPPING, TRACKING_METRICS } from './track-messages.tokens';
import type { TrackingObserver } from './tracking-metrics';
import type { TrackMapping } from './track-mapping';
import type { MessageResult, TrackReply } from './track-reply';

/** Segment's limit on one batch request. */
export const MAX_TRACK_BATCH_BYTES = 500 * 1024;

/**
 * Translates Segment messages into events and appends them with the append command (where each
 * event is validated against its contract). A batch answers 200 whatever became of each message,
 * so the SDK does not send the good ones again; a single call refused answers 400.
 */
@CommandHandler(TrackMessagesCommand)
export class TrackMessagesHandler implements ICommandHandler<TrackMessagesCommand> {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TRACK_MAPPING) private readonly mapping: TrackMapping,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TRACKING_METRICS) private readonly metrics: TrackingObserver,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ call, body }: TrackMessagesCommand): Promise<TrackReply> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new RequestRejectedError(400, 'Invalid body', [{ field: 'body', reason: call === 'batch' ? 'must be {"batch": [...]}' : 'must be a message object' }]);
    }
    const receivedAt = this.clock();
    const record = body as Record<string, unknown>;
    let translations: Translation[];
    if (call === 'batch') {
      const messages = batchOf(record);
      translations = messages.map((message) => {
        const type = (message as { type?: unknown } | null)?.type;
        if (!isSegmentCall(type)) return { ok: false, errors: [{ field: 'type', reason: `must be one of ${SEGMENT_CALLS.join(', ')}` }] };
        return translateMessage(type, message, { receivedAt, mapping: this.mapping, sentAt: record.sentAt, context: objectOr(record.context) });
      });
    } else {
      translations = [translateMessage(call, body, { receivedAt, mapping: this.mapping })];
    }

    const results = await this.append(translations);
    const rejected = results.filter((r) => r.status === 'rejected');
    const duplicates = results.filter((r) => r.status === 'duplicate').length;
    this.metrics.tracked(call, 'accepted', results.length - rejected.length - duplicates);
    this.metrics.tracked(call, 'duplicate', duplicates);
    this.metrics.tracked(call, 'rejected', rejected.length);
    for (const result of rejected) this.logger.warn({ call, messageId: result.messageId, errors: result.errors }, 'tracking message refused');
    if (call !== 'batch' && rejected.length === 1) {
      throw new RequestRejectedError(400, 'Invalid message', rejected[0]!.errors ?? [], { messageId: rejected[0]!.messageId });
    }
    return { success: true, accepted: results.length - rejected.length - duplicates, duplicates, rejected: rejected.length, results };
  }

  /** Appends the events of the translated messages (in chunks the append command takes) and says what became of each message. */
  private async append(translations: readonly Translation[]): Promise<MessageResult[]> {
    const events: EventInput[] = [];
    const owners: number[] = [];
    translations.forEach((t, index) => {
      if (!t.ok) return;
      for (const event of t.events) {
        events.push(event);
        owners.push(index);
      }
    });
    const outcomes: EventResult[] = [];
    for (let start = 0; start < events.length; start += MAX_BATCH_EVENTS) {
      const chunk = events.slice(start, start + MAX_BATCH_EVENTS);
      const results = await this.appendChunk(chunk);
      outcomes.push(...results.map((r) => ({ ...r, index: r.index + start })));
    }
    const resent = await this.resent(outcomes, events);
    const byMessage = new Map<number, Array<{ event: EventInput; outcome: EventResult; resent: boolean }>>();
    outcomes.forEach((outcome) => {
      const owner = owners[outcome.index]!;
      const list = byMessage.get(owner);
      const entry = { event: events[outcome.index]!, outcome, resent: resent.has(outcome.index) };
      if (list) list.push(entry);
      else byMessage.set(owner, [entry]);
    });
    return translations.map((t, index) => messageResult(t, index, byMessage.get(index) ?? []));
  }

  /**
   * The events refused because their id is taken by the event they were when first sent: the same
   * message with moved timestamps (read back and compared), or a link of a visitor to a customer
   * already recorded. Another message under a taken messageId is not among them.
   */
  private async resent(outcomes: readonly EventResult[], events: readonly EventInput[]): Promise<Set<number>> {
    const verdicts = await Promise.all(
      outcomes.map(async (outcome) => {
        const place = outcome.status === 'rejected' ? takenAt(outcome.errors) : undefined;
        if (!place) return false;
        const event = events[outcome.index]!;
        const messageId = (event.metadata as { messageId?: unknown } | undefined)?.messageId;
        if (typeof messageId !== 'string' || event.eventId !== messageEventId(messageId)) return true;
        const [stored] = await this.store.readStream(place.streamId, { fromVersion: place.position, toVersion: place.position });
        return stored !== undefined && isResentAs(stored, event);
      }),
    );
    return new Set(outcomes.filter((_, k) => verdicts[k]).map((outcome) => outcome.index));
  }

  /** The append command's result per event; a chunk with no event accepted comes back as a refusal that carries them. */
  private async appendChunk(events: readonly EventInput[]): Promise<readonly EventResult[]> {
    try {
      return (await this.commands.execute(new AppendEventsCommand({ events }))).body.results;
    } catch (error) {
      const results = error instanceof RequestRejectedError && error.status === 400 ? error.extensions.results : undefined;
      if (Array.isArray(results)) return results as EventResult[];
      throw error;
    }
  }
}

function messageResult(
  translation: Translation,
  index: number,
  appended: ReadonlyArray<{ event: EventInput; outcome: EventResult; resent: boolean }>,
): MessageResult {
  if (!translation.ok) return { index, ...(translation.messageId ? { messageId: translation.messageId } : {}), status: 'rejected', eventIds: [], errors: translation.errors };
  const errors: FieldError[] = [];
  const eventIds: string[] = [];
  let resent = 0;
  for (const { event, outcome, resent: again } of appended) {
    if (again) {
      resent++;
      eventIds.push(event.eventId);
    } else if (outcome.status === 'rejected' && takenAt(outcome.errors)) {
      errors.push({ field: 'messageId', reason: `was used before by another message: ${outcome.errors[0]!.reason}` });
    } else if (outcome.status === 'rejected') {
      // The event's own fields, after the type it became: `PurchaseCompleted.data.total`.
      for (const error of outcome.errors) errors.push({ field: `${event.type}.${error.field.replace(/^events\[\d+\]\.?/, '') || 'event'}`, reason: error.reason });
    } else {
      eventIds.push(outcome.eventId);
    }
  }
  if (errors.length > 0) return { index, messageId: translation.messageId, status: 'rejected', eventIds, errors };
  // Nothing new: every event was committed before (stored again as it was, or sent again with moved timestamps).
  const duplicate = appended.length > 0 && (resent > 0 || appended.every(({ outcome }) => outcome.status === 'duplicate')) && appended.every(({ outcome }) => outcome.status !== 'appended');
  return { index, messageId: translation.messageId, status: duplicate ? 'duplicate' : 'accepted', eventIds };
}

function batchOf(body: Record<string, unknown>): unknown[] {
  const batch = body.batch;
  if (!Array.isArray(batch)) throw new RequestRejectedError(400, 'Invalid batch', [{ field: 'batch', reason: 'must be an array of messages' }]);
  if (batch.length === 0) throw new RequestRejectedError(400, 'Invalid batch', [{ field: 'batch', reason: 'must not be empty' }]);
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > MAX_TRACK_BATCH_BYTES) {
    throw new RequestRejectedError(413, 'Batch too large', [{ field: 'batch', reason: `is ${bytes} bytes; a batch may be at most ${MAX_TRACK_BATCH_BYTES} bytes (500 KB)` }]);
  }
  return batch;
}

function objectOr(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
