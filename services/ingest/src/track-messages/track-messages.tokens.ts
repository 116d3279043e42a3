/** The track-name mapping table (a TrackMapping) the tracking API translates with. */
export const TRACK_MAPPING = Symbol('TRACK_MAPPING');
