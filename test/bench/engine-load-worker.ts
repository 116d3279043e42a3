/**
 * The engine benchmark's load, in a process of its own so that its CPU is not the engine's:
 * `engine-load-worker <json options>` posts the live mix (test/bench/engine-events.ts) to each
 * engine, the connections and the rate split evenly over them, until the time is up or the
 * parent sends "stop"; then prints {events, failed, seconds, cores, statuses} as JSON.
 */
import { liveEventJson, loadCustomer } from './engine-events';
import { postLoad } from './load-generator';

export interface LoadOptions {
  /** The engines, as `http://host:port`. */
  readonly urls: readonly string[];
  readonly key: string;
  readonly perRequest: number;
  readonly connections: number;
  /** Events per second over all engines; 0 for as fast as answers come back. */
  readonly rate: number;
  readonly seconds: number;
}

export interface LoadReport {
  readonly events: number;
  readonly failed: number;
  readonly seconds: number;
  readonly cores: number;
  readonly statuses: Readonly<Record<string, number>>;
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '') as LoadOptions;
  const stop = new AbortController();
  process.on('message', (message) => message === 'stop' && stop.abort());
  let n = 0;
  const body = (): string => {
    if (options.perRequest === 1) return liveEventJson(n++, loadCustomer());
    const at = new Date().toISOString();
    return `{"events":[${Array.from({ length: options.perRequest }, () => liveEventJson(n++, loadCustomer(), at)).join(',')}]}`;
  };
  const share = options.urls.length;
  const results = await Promise.all(
    options.urls.map((url) =>
      postLoad({
        url,
        path: '/v1/events',
        connections: Math.max(1, Math.round(options.connections / share)),
        seconds: options.seconds,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key}` },
        body,
        rate: options.rate > 0 ? options.rate / options.perRequest / share : undefined,
        signal: stop.signal,
      }),
    ),
  );
  const statuses: Record<string, number> = {};
  for (const result of results) for (const [status, count] of result.statuses) statuses[status] = (statuses[status] ?? 0) + count;
  const report: LoadReport = {
    events: results.reduce((sum, r) => sum + r.ok, 0) * options.perRequest,
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    seconds: Math.max(...results.map((r) => r.seconds)),
    // Each run measured the whole process's CPU over its own time: they overlap, so the largest.
    cores: Math.max(...results.map((r) => r.cores)),
    statuses,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.disconnect?.();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
