import type { JourneyEvent } from '@journey/contracts';
import { later } from './instant';

/** What an anonymous visitor did before (or without) being identified. */
export interface VisitorActivity {
  readonly anonymousId: string;
  /** The customer this visitor turned out to be; from then on their events count for them. */
  readonly customerId: string | null;
  readonly views: number;
  readonly searches: number;
  readonly carts: number;
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
}

export function emptyVisitor(anonymousId: string): VisitorActivity {
  return { anonymousId, customerId: null, views: 0, searches: 0, carts: 0, firstSeenAt: null, lastSeenAt: null };
}

/** Folds a visitor's own event (browse events; anything else a visitor publishes is only seen). */
export function evolveVisitor(state: VisitorActivity, event: JourneyEvent): VisitorActivity {
  const seen = {
    firstSeenAt: state.firstSeenAt === null || event.occurredAt < state.firstSeenAt ? event.occurredAt : state.firstSeenAt,
    lastSeenAt: state.lastSeenAt === null ? event.occurredAt : later(state.lastSeenAt, event.occurredAt),
  };
  switch (event.type) {
    case 'PageViewed':
    case 'ProductViewed':
      return { ...state, ...seen, views: state.views + 1 };
    case 'SearchPerformed':
      return { ...state, ...seen, searches: state.searches + 1 };
    case 'CartUpdated':
      return { ...state, ...seen, carts: state.carts + 1 };
    default:
      return { ...state, ...seen };
  }
}
