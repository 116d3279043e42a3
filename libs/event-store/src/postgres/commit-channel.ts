/** The channel a commit of events is announced on, carrying its transaction's id. */
export const COMMIT_CHANNEL = 'journey_events';
