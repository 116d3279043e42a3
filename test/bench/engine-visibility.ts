import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { until } from '../support/until';
import { quantile } from './bench-support';
import { liveEventJson } from './engine-events';
import type { LoadOptions } from './engine-load-worker';
import { startLoad } from './engine-steps';

/** How often a probe event is sent, and how often the 360 is looked up for the probes not yet seen there. */
const PROBE_EVERY_MS = 100;
const LOOK_EVERY_MS = 10;
/** The longest a probe may wait for its answer. */
const PROBE_TIMEOUT_MS = 60_000;

export interface Visibility {
  readonly probes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The load's accepted rate meanwhile, in events per second. */
  readonly accepted: number;
}

/**
 * Accepted → visible in the 360 while `load` runs: every PROBE_EVERY_MS a probe posts one
 * ProductViewed of a customer never seen before (round robin over the engines); from its 202
 * to the first look-up that finds the customer's row in journey.customer_360.
 */
export async function visibilityUnderLoad(pool: Pool, load: LoadOptions): Promise<Visibility> {
  const running = startLoad(load);
  const sent = new Map<string, number>();
  const delays: number[] = [];
  let loading = true;
  // The look-ups run until the last probe is answered and seen: a probe still in flight when
  // the load ends is in none of the sets yet.
  let probing = true;
  const finished = running.done.finally(() => (loading = false));
  finished.catch(() => undefined);

  const looking = (async () => {
    while (probing || sent.size > 0) {
      if (sent.size > 0) {
        const { rows } = await pool.query<{ customer_id: string }>('SELECT customer_id FROM journey.customer_360 WHERE customer_id = ANY($1)', [[...sent.keys()]]);
        const seenAt = performance.now();
        for (const { customer_id: id } of rows) {
          delays.push(seenAt - sent.get(id)!);
          sent.delete(id);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
    }
  })();

  let n = 0;
  try {
    while (loading) {
      const engine = load.urls[n % load.urls.length]!;
      const id = `probe-${randomUUID()}`;
      // n × 3: a ProductViewed (the mix makes every third event a purchase).
      const response = await fetch(`${engine}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${load.key}` },
        body: liveEventJson(3 * n++, id),
        // An answer that never comes ends the scenario with a reason rather than holding the bench.
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const answer = await response.text();
      if (!response.ok) throw new Error(`a probe was refused: ${response.status} ${answer}`);
      sent.set(id, performance.now());
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
  } finally {
    probing = false;
  }
  const report = await finished;
  await until(() => (sent.size === 0 ? true : undefined), 10 * 60_000, 'every probe to be visible in the 360');
  await looking;
  return { probes: delays.length, p50Ms: quantile(delays, 0.5), p99Ms: quantile(delays, 0.99), accepted: report.events / report.seconds };
}
