/** The calls of Segment's HTTP tracking API that journey answers, each at `POST /v1/<call>`. */
export const TRACKING_CALLS = ['batch', 'track', 'identify', 'page', 'screen', 'alias', 'group'] as const;

const TRACKING_PATH = new RegExp(`^/v1/(${TRACKING_CALLS.join('|')})(\\?|$)`);

/** Whether a request path (query allowed) is one of the tracking routes. */
export function isTrackingPath(path: string): boolean {
  return TRACKING_PATH.test(path);
}
