import { v5 as uuidv5 } from 'uuid';
import { capErrors, existsOnCalendar, EXTERNAL_ID_RULE, isExternalId, type FieldError } from '@journey/contracts';
import { trackData } from './segment-commerce';
import { identifyEvents } from './segment-identify';
import { at, MessageReader, type SegmentCall, type SegmentMessage } from './segment-message';
import { trackKey, type TrackMapping } from './track-mapping';

/** Segment's limit on one message. */
export const MAX_TRACK_MESSAGE_BYTES = 32 * 1024;
/** Event ids of tracked messages are UUID v5 of their messageId in this namespace: a retry keeps its id. */
export const TRACKING_NAMESPACE = '0f6c4a8e-3b1d-5e2f-9a7c-6d4e8b2a1c3f';
/** The source of events that came through the tracking API. */
export const TRACKING_SOURCE = 'segment';

/** An event as the append command takes it (validated there, against its contract). */
export type EventInput = Readonly<Record<string, unknown>> & { readonly eventId: string; readonly type: string };

export interface TranslateOptions {
  readonly receivedAt: Date;
  readonly mapping: TrackMapping;
  /** The batch's `sentAt` and `context`, for messages that carry none of their own. */
  readonly sentAt?: unknown;
  readonly context?: Readonly<Record<string, unknown>>;
}

export type Translation =
  | { readonly ok: true; readonly messageId: string; readonly events: readonly EventInput[] }
  | { readonly ok: false; readonly messageId?: string; readonly errors: readonly FieldError[] };

/** One Segment message as the events it stands for, or what is wrong with it (in Segment's field names). */
export function translateMessage(call: SegmentCall, input: unknown, options: TranslateOptions): Translation {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, errors: [{ field: '', reason: 'must be a message object' }] };
  const message = input as SegmentMessage;
  const serialised = JSON.stringify(message);
  const messageId = typeof message.messageId === 'string' && message.messageId.length > 0 ? message.messageId : undefined;
  const bytes = Buffer.byteLength(serialised);
  if (bytes > MAX_TRACK_MESSAGE_BYTES) return { ok: false, messageId, errors: [{ field: '', reason: `is ${bytes} bytes; a message may be at most ${MAX_TRACK_MESSAGE_BYTES} bytes (32 KB)` }] };

  const read = new MessageReader(message);
  // Without a messageId, an exact retry of the same message still gets the same id.
  const id = messageId ?? uuidv5(serialised, TRACKING_NAMESPACE);
  const context = { ...(options.context ?? {}), ...read.object('context') };
  const customerId = idAt(read, 'userId');
  const anonymousId = idAt(read, 'anonymousId');
  const owner = customerId !== undefined ? { customerId } : anonymousId !== undefined ? { anonymousId } : undefined;
  if (!owner) read.fail('userId', 'is required (or anonymousId, for a visitor not yet identified)');
  const occurredAt = occurredAtOf(message, options, read);
  const library = at(context, 'library.name');
  const envelope = {
    occurredAt,
    source: TRACKING_SOURCE,
    metadata: { messageId: id, ...(typeof library === 'string' ? { library: `${library}@${String(at(context, 'library.version') ?? '')}`.slice(0, 100) } : {}) },
  };
  const event = (type: string, data: Record<string, unknown>, eventId = messageEventId(id)): EventInput => ({ eventId, type, ...owner, ...envelope, data });

  const events: EventInput[] = [];
  switch (call) {
    case 'track': {
      const name = read.required('event', read.text('event'), 'is required: the name of what happened');
      const properties = read.object('properties');
      if (name !== undefined) {
        const target = options.mapping.get(trackKey(name)) ?? 'CustomEvent';
        events.push(event(target, trackData(target, name, properties, read, context)));
      }
      break;
    }
    case 'identify':
      for (const [type, data, suffix] of identifyEvents(read, context, customerId !== undefined ? anonymousId : undefined)) {
        events.push(event(type, data, suffix === undefined ? undefined : uuidv5(`${customerId}/${suffix}`, TRACKING_NAMESPACE)));
      }
      break;
    case 'page':
    case 'screen': {
      const properties = read.object('properties');
      const name = read.text('name');
      const data = call === 'page' ? trackData('PageViewed', name ?? '', properties, read, context) : screenView(name, properties, read);
      events.push(event('PageViewed', name !== undefined && data.title === undefined ? { ...data, title: name } : data));
      break;
    }
    case 'alias': {
      const previousId = read.required('previousId', idAt(read, 'previousId'), 'is required: the id the user was known by');
      if (customerId === undefined) read.fail('userId', 'is required: the id the user is known by from now on');
      else if (previousId !== undefined) events.push(event('IdentityLinked', { anonymousId: previousId }, uuidv5(`${customerId}/link/${previousId}`, TRACKING_NAMESPACE)));
      break;
    }
    case 'group': {
      const groupId = read.required('groupId', read.text('groupId'), 'is required: the group (account, company) the user belongs to');
      events.push(event('CustomEvent', { name: 'Group', properties: { groupId, traits: read.object('traits') } }));
      break;
    }
    default: {
      const unknownCall: never = call;
      throw new Error(`no translation for ${String(unknownCall)}`);
    }
  }
  return read.errors.length > 0 ? { ok: false, messageId, errors: capErrors(read.errors) } : { ok: true, messageId: id, events };
}

/**
 * The id of the event a message stands for: a retry keeps it. (A link of a visitor to a customer
 * is keyed by the pair instead, the same whichever message states it.)
 */
export function messageEventId(messageId: string): string {
  return uuidv5(messageId, TRACKING_NAMESPACE);
}

/** An id of the message, refused under Segment's name for it (not the event's `customerId` it becomes). */
function idAt(read: MessageReader, field: 'userId' | 'anonymousId' | 'previousId'): string | undefined {
  const id = read.text(field);
  if (id !== undefined && !isExternalId(id)) read.fail(field, `must be an identifier of ${EXTERNAL_ID_RULE}`);
  return id;
}

/** A screen of a mobile app as a page view: its name is its address when it has no url. */
function screenView(name: string | undefined, properties: Readonly<Record<string, unknown>>, read: MessageReader): Record<string, unknown> {
  const url = read.text('properties.url', properties.url) ?? (name === undefined ? undefined : `screen://${encodeURIComponent(name)}`);
  return { url: read.required('name', url, 'is required: the screen viewed (or properties.url)') };
}

/**
 * When it happened by the server's clock: the SDK's timestamp shifted by the skew between the
 * SDK's clock and the server's (receivedAt − sentAt), as Segment corrects it.
 */
function occurredAtOf(message: SegmentMessage, options: TranslateOptions, read: MessageReader): string {
  const timestamp = instant(read, message.timestamp !== undefined ? 'timestamp' : 'originalTimestamp', message.timestamp ?? message.originalTimestamp);
  const sentAt = instant(read, 'sentAt', message.sentAt ?? options.sentAt);
  const received = options.receivedAt.getTime();
  if (timestamp === undefined) return new Date(received).toISOString();
  if (sentAt === undefined) return new Date(timestamp).toISOString();
  return new Date(received - sentAt + timestamp).toISOString();
}

/** An ISO 8601 instant; one without an offset is UTC, as Segment's spec has it (never the server's time zone). */
function instant(read: MessageReader, field: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && existsOnCalendar(value) ? Date.parse(withOffset(value)) : Number.NaN;
  if (Number.isNaN(parsed)) read.fail(field, 'must be an ISO 8601 instant of a date and time that exist, such as 2026-03-01T12:00:00.000Z');
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** The text with `Z` appended when its time names no offset (`Z`, `+02:00`, `-0500`, `+02`). */
function withOffset(text: string): string {
  return /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text.slice(10)) ? text : `${text}Z`;
}
