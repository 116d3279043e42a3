import type { FieldError } from '@journey/contracts';

/** What became of one message: its events committed now, all committed before, or refused. */
export interface MessageResult {
  readonly index: number;
  readonly messageId?: string;
  readonly status: 'accepted' | 'duplicate' | 'rejected';
  /** The ids of the events the message became (those committed, when it was refused in part). */
  readonly eventIds: readonly string[];
  readonly errors?: readonly FieldError[];
}

/**
 * The answer the SDKs expect (200 `{"success": true}`), with what became of every message: a
 * refused message is reported, not retried, so the good ones beside it are not sent again.
 */
export interface TrackReply {
  readonly success: true;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly results: readonly MessageResult[];
}
