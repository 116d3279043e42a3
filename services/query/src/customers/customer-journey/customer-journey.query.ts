import { Query } from '@nestjs/cqrs';

export interface JourneyEventEntry {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly streamPosition: number;
  readonly data: unknown;
}

export interface JourneyDecisionEntry {
  readonly decidedAt: string;
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly triggerEventId: string;
  /** What the rule decided (dispatch, suppress, …) and why, as the saga recorded it. */
  readonly decision: string;
  readonly reason: string | null;
  /** The action it sent or holds: channel and delivery state, without its target or body. */
  readonly action: { readonly actionId: string; readonly channel: string; readonly state: string; readonly sentAt: string | null } | null;
}

export interface CustomerJourney {
  readonly customerId: string;
  /** The customer's stream, newest first, a page at a time. */
  readonly events: readonly JourneyEventEntry[];
  /** The rules' decisions about the customer, newest first (the latest 500, with the first page only). */
  readonly decisions: readonly JourneyDecisionEntry[];
  /** The `before` of the next (older) page; null at the first event. */
  readonly next: number | null;
}

/** A customer's whole journey, newest first: the events of their stream and what the rules decided. */
export class CustomerJourneyQuery extends Query<CustomerJourney> {
  constructor(
    readonly customerId: string,
    /** Events before this stream position (default: from the latest). */
    readonly before: number | undefined,
    readonly limit: number,
  ) {
    super();
  }
}
