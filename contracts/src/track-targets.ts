/**
 * The event types a Segment `track` call can become (JOURNEY_TRACK_EVENT_MAP names one of them per
 * track name); anything unmapped becomes a CustomEvent. Here, not in ingest, so that the
 * configuration is checked against it with every other setting.
 */
export const TRACK_TARGETS = ['PurchaseCompleted', 'PurchaseRefunded', 'ProductViewed', 'CartUpdated', 'SearchPerformed', 'PageViewed', 'CustomEvent'] as const;
export type TrackTarget = (typeof TRACK_TARGETS)[number];

export function isTrackTarget(value: unknown): value is TrackTarget {
  return typeof value === 'string' && (TRACK_TARGETS as readonly string[]).includes(value);
}
