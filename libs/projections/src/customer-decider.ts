import type { Customer360 } from '@journey/domain';
import type { Queryable } from '@journey/database';
import type { RecordedEvent, UnitOfWork } from '@journey/event-store';

/**
 * What the customer pass does beside folding, on the state each event left: judge the rules,
 * decide segment memberships, score. The pass opens one batch per unit of work, hands it every
 * event folded into a customer in log order, then has it write what it decided in the same
 * unit, before the checkpoint moves. A rebuild folds without deciders, so it decides nothing.
 */
export interface CustomerDecider {
  readonly name: string;
  /**
   * Loads (and may lock) what this decider remembers of the batch's customers, once per batch:
   * `customerIds` are every customer the batch may touch, `events` the batch as read.
   */
  begin(unit: UnitOfWork<Queryable>, batch: DeciderInput): Promise<DeciderBatch>;
  /**
   * The event types this decider judges, asked as a batch begins: a derived event no decider
   * heeds, whose change the customer's row already holds, is not loaded and folded again.
   * Absent: every type.
   */
  heeds?(): Promise<(type: string) => boolean>;
  /** Lets go of what it holds (listeners), when the pass stops. */
  stop?(): Promise<void>;
}

export interface DeciderInput {
  readonly customerIds: readonly string[];
  readonly events: readonly RecordedEvent[];
}

export interface DeciderBatch {
  /**
   * One event folded into `customer` (a linked visitor's event carries the customer's id), with
   * the state it left (an immutable value: later events make new ones).
   */
  decide(event: RecordedEvent, customer: Customer360): void;
  /** Writes the rows and derived events decided, through the unit. */
  flush(): Promise<void>;
}
