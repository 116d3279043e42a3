import { isTrackTarget, TRACK_TARGETS, type TrackTarget } from '@journey/contracts';

/** Track names (normalised by `trackKey`) to the types they become. */
export type TrackMapping = ReadonlyMap<string, TrackTarget>;

/** Segment's e-commerce spec (v2), as the default table. */
export const DEFAULT_TRACK_MAPPING: Readonly<Record<string, TrackTarget>> = {
  'Order Completed': 'PurchaseCompleted',
  'Order Refunded': 'PurchaseRefunded',
  'Product Viewed': 'ProductViewed',
  'Product Clicked': 'ProductViewed',
  'Product Added': 'CartUpdated',
  'Product Removed': 'CartUpdated',
  'Cart Viewed': 'CartUpdated',
  'Products Searched': 'SearchPerformed',
};

/** `Order Completed`, `order_completed` and `order completed` name the same track. */
export function trackKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, ' ');
}

/**
 * The default table with the configured entries over it (JOURNEY_TRACK_EVENT_MAP, a JSON object
 * of track name → type, checked by loadConfig); mapping a default name to `CustomEvent` turns that
 * default off.
 */
export function trackMapping(overrides: Readonly<Record<string, string>> = {}): TrackMapping {
  const table = new Map<string, TrackTarget>();
  for (const [name, target] of Object.entries(DEFAULT_TRACK_MAPPING)) table.set(trackKey(name), target);
  for (const [name, target] of Object.entries(overrides)) {
    if (!isTrackTarget(target)) {
      throw new Error(`JOURNEY_TRACK_EVENT_MAP maps "${name}" to "${target}", which is not one of ${TRACK_TARGETS.join(', ')}`);
    }
    table.set(trackKey(name), target);
  }
  return table;
}
