import type { DeadLetter } from './dead-letter';

/** What one run of messages came to. */
export interface ConsumeReport {
  readonly appended: number;
  readonly duplicates: number;
  /** In the order of the messages. */
  readonly deadLetters: readonly DeadLetter[];
}
