/** Limits of the ingest contract (DESIGN §3). */
export const MAX_EVENT_BYTES = 64 * 1024;
export const MAX_METADATA_BYTES = 4 * 1024;
export const MAX_BATCH_EVENTS = 1000;
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;
/** How far in the future an upstream clock may run before its events are refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
export const MAX_ID_LENGTH = 128;
export const MAX_TEXT_LENGTH = 4000;
/** The problems named for one refused event or message; one more entry counts the rest. */
export const MAX_FIELD_ERRORS = 50;
/** The characters of a field or a reason a refusal repeats. */
export const MAX_ERROR_TEXT = 1000;
