/** The track-name mapping table (a TrackMapping) the tracking API translates with. */
export const TRACK_MAPPING = Symbol('TRACK_MAPPING');
/** The tracking API's metrics (a TrackingObserver). */
export const TRACKING_METRICS = Symbol('TRACKING_METRICS');
