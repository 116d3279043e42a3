import type { FieldError } from '@journey/contracts';

/** The calls of Segment's HTTP tracking API, each with its route (`POST /v1/<call>`). */
export const SEGMENT_CALLS = ['track', 'identify', 'page', 'screen', 'alias', 'group'] as const;
export type SegmentCall = (typeof SEGMENT_CALLS)[number];

export function isSegmentCall(value: unknown): value is SegmentCall {
  return typeof value === 'string' && (SEGMENT_CALLS as readonly string[]).includes(value);
}

/** One message as Segment's and RudderStack's SDKs send it (only what journey reads is named). */
export type SegmentMessage = Readonly<Record<string, unknown>>;

/** Reads a message's fields, collecting what is wrong under Segment's own field names. */
export class MessageReader {
  readonly errors: FieldError[] = [];

  constructor(readonly message: SegmentMessage) {}

  object(path: string): Readonly<Record<string, unknown>> {
    const value = at(this.message, path);
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, 'must be an object');
      return {};
    }
    return value as Record<string, unknown>;
  }

  /** A string (numbers are taken as their decimal text, as Segment does for ids). */
  text(path: string, from: unknown = at(this.message, path)): string | undefined {
    if (from === undefined || from === null || from === '') return undefined;
    if (typeof from === 'string') return from;
    if (typeof from === 'number' && Number.isFinite(from)) return String(from);
    this.fail(path, 'must be a string');
    return undefined;
  }

  /** A number (numeric strings such as "19.99" are read as numbers). */
  number(path: string, from: unknown): number | undefined {
    if (from === undefined || from === null || from === '') return undefined;
    const value = typeof from === 'string' && /^-?\d+(\.\d+)?$/.test(from.trim()) ? Number(from) : from;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.fail(path, 'must be a number');
    return undefined;
  }

  required<T>(path: string, value: T | undefined, reason: string): T | undefined {
    if (value === undefined) this.fail(path, reason);
    return value;
  }

  fail(field: string, reason: string): void {
    this.errors.push({ field, reason });
  }
}

/** The value at a dotted path of a message (`context.page.url`). */
export function at(root: unknown, path: string): unknown {
  let current = root;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A message of Segment's HTTP API, as the document describes it (the handler reads it as it comes). */
export interface SegmentMessageBody {
  /** In a batch: which call the message is. */
  readonly type?: SegmentCall;
  /** The SDK's id of the message: a message sent again with the same id is a duplicate. */
  readonly messageId?: string;
  /** The customer's id; the events go to their stream. */
  readonly userId?: string;
  /** The visitor's id, before (or without) a userId. */
  readonly anonymousId?: string;
  /** track: the name of what happened (`Order Completed`). */
  readonly event?: string;
  /** page and screen: the name of what was viewed. */
  readonly name?: string;
  /** alias: the id the user was known by. */
  readonly previousId?: string;
  /** group: the group the user belongs to. */
  readonly groupId?: string;
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly traits?: Readonly<Record<string, unknown>>;
  readonly context?: Readonly<Record<string, unknown>>;
  /** When it happened by the SDK's clock (RudderStack: originalTimestamp). */
  readonly timestamp?: string;
  readonly originalTimestamp?: string;
  /** When the SDK sent it by its clock: with the time received, corrects the SDK's clock. */
  readonly sentAt?: string;
  readonly integrations?: Readonly<Record<string, unknown>>;
}

/** POST /v1/batch. */
export interface SegmentBatchBody {
  readonly batch: readonly SegmentMessageBody[];
  readonly sentAt?: string;
  /** Merged under each message's own context. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Sent by some SDKs; the key that counts is the one in the Authorization header. */
  readonly writeKey?: string;
}
