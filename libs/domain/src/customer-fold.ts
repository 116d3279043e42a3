import type { JourneyEvent } from '@journey/contracts';
import { emptyCustomer360, evolve, type Customer360 } from './customer-360';
import type { LifecycleThresholds, StageTransition } from './lifecycle';
import { emptyVisitor, evolveVisitor, type VisitorActivity } from './visitor';

export interface FoldState {
  readonly customers: Map<string, Customer360>;
  readonly visitors: Map<string, VisitorActivity>;
}

export interface FoldResult {
  readonly changedCustomers: ReadonlySet<string>;
  readonly changedVisitors: ReadonlySet<string>;
  readonly transitions: ReadonlyArray<{ readonly customerId: string; readonly transition: StageTransition }>;
}

/**
 * Called after each event is folded into a customer, with the event as the customer saw it (a
 * linked visitor's later event carries the customer's id) and the state that event left.
 */
export type OnFolded<E extends JourneyEvent> = (event: E, customer: Customer360) => void;

/**
 * Called after each event is folded into a customer, before OnFolded, with the state before and
 * after it: what it returns is the customer's state from then on (the segment pass records the
 * memberships it decides so, and the deciders then see them).
 */
export type AfterCustomerEvent = (before: Customer360, after: Customer360, event: JourneyEvent) => Customer360;

/**
 * Folds events, in the order given, into customers and visitors (mutating the two maps):
 * customers' events into their 360; a visitor's events into the visitor until an IdentityLinked
 * joins that history to the customer, and into the customer from then on. Every fold of the
 * customer (the live pass, a rebuild, an as-of answer) goes through here. A customer is changed
 * only by a fold that changed its state: a derived event folded back, whose change the state
 * already holds (a membership its decider recorded), is handed to `onFolded` alone.
 */
export function foldEvents<E extends JourneyEvent>(
  events: readonly E[],
  state: FoldState,
  lifecycle: LifecycleThresholds,
  onFolded?: OnFolded<E>,
  afterEvent?: AfterCustomerEvent,
): FoldResult {
  const { customers, visitors } = state;
  const changedCustomers = new Set<string>();
  const changedVisitors = new Set<string>();
  const transitions: Array<{ customerId: string; transition: StageTransition }> = [];

  const foldCustomer = (customerId: string, event: E, visitor?: VisitorActivity): void => {
    const current = customers.get(customerId) ?? emptyCustomer360(customerId);
    const evolved = evolve(current, event, lifecycle, visitor);
    if (evolved.state === current) {
      // A derived event whose change the state already holds: nothing to judge or write.
      onFolded?.(event, current);
      return;
    }
    const next = afterEvent ? afterEvent(current, evolved.state, event) : evolved.state;
    customers.set(customerId, next);
    changedCustomers.add(customerId);
    for (const transition of evolved.transitions) transitions.push({ customerId, transition });
    onFolded?.(event, next);
  };

  for (const event of events) {
    if (event.customerId !== undefined) {
      if (event.type !== 'IdentityLinked') {
        foldCustomer(event.customerId, event);
        continue;
      }
      const anonymousId = event.data.anonymousId;
      const visitor = visitors.get(anonymousId) ?? emptyVisitor(anonymousId);
      // A visitor's history joins the first customer it is linked to, once.
      const joins = visitor.customerId === null;
      foldCustomer(event.customerId, event, joins ? visitor : undefined);
      if (joins) {
        visitors.set(anonymousId, { ...visitor, customerId: event.customerId });
        changedVisitors.add(anonymousId);
      }
    } else if (event.anonymousId !== undefined) {
      const visitor = visitors.get(event.anonymousId) ?? emptyVisitor(event.anonymousId);
      if (visitor.customerId !== null) {
        // Identified: the visitor's later events count for the customer.
        const { anonymousId: _anonymousId, ...rest } = event;
        foldCustomer(visitor.customerId, { ...rest, customerId: visitor.customerId } as E);
      } else {
        visitors.set(event.anonymousId, evolveVisitor(visitor, event));
        changedVisitors.add(event.anonymousId);
      }
    }
  }
  return { changedCustomers, changedVisitors, transitions };
}
