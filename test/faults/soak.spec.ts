import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineProcess } from '../support/engine-process';
import { until } from '../support/until';
import { exampleRulesFor } from './support/example-rules';
import { PacedLoad } from './support/paced-load';
import { describeWithCluster, PgCluster } from './support/pg-cluster';
import { ReceiverProcess } from './support/receiver-process';
import { healthLag, maxLagEvents, rssMiB, thirds, type Sample } from './support/samples';

const LONG = process.env.JOURNEY_FAULTS === 'long';
/**
 * A rate a loaded two-core machine sustains with the projection, the saga and deliveries running,
 * with the rest of the test suite beside it in the short form.
 */
const RATE = LONG ? 200 : 50;
const WARM_UP_SECONDS = 20;
const SOAK_SECONDS = LONG ? 20 * 60 : 60;
const CONSUMERS = ['projection:customer_360'];
/** The backlog the drain test builds while the consumers are off. */
const BACKLOG = LONG ? 300_000 : 30_000;

describeWithCluster('the engine soaked at a sustainable rate', () => {
  let cluster: PgCluster;
  let folder: string;
  let receiver: ReceiverProcess;

  beforeAll(async () => {
    cluster = await PgCluster.create();
    folder = mkdtempSync(join(tmpdir(), 'journey-soak-'));
    receiver = new ReceiverProcess(join(folder, 'deliveries.jsonl'));
    await receiver.start();
  });
  afterAll(async () => {
    await receiver?.stop();
    await cluster?.cleanup();
    rmSync(folder, { recursive: true, force: true });
  });

  it(`keeps RSS and every consumer's lag flat over ${SOAK_SECONDS} s at ${RATE} events/s`, async () => {
    const engine = new EngineProcess({
      DATABASE_URL: await cluster.createDatabase('soak'),
      JOURNEY_RULES_FILE: exampleRulesFor(folder, receiver.url, { quietHours: false }),
      JOURNEY_WEBHOOK_SECRET: 'soak',
      JOURNEY_RATE_LIMITS: 'off',
    });
    await engine.start();
    const load = new PacedLoad(() => ({ url: engine.url, headers: engine.headers() }), {
      eventsPerSecond: RATE,
      batch: 10,
      // Enough customers that the stream-head and key caches keep taking new ones.
      customers: Array.from({ length: LONG ? 200_000 : 20_000 }, (_, i) => `soak-${i}`),
      types: ['CustomerRegistered', 'ConsentChanged', 'PurchaseCompleted', 'PageViewed', 'ProductViewed', 'SearchPerformed'],
    });
    const samples: Sample[] = [];
    try {
      load.start();
      await new Promise((resolve) => setTimeout(resolve, WARM_UP_SECONDS * 1000));
      const started = performance.now();
      while (performance.now() - started < SOAK_SECONDS * 1000) {
        const lag = await healthLag(engine.url);
        const rss = rssMiB(engine.pid!);
        if (lag && rss !== undefined) samples.push({ at: (performance.now() - started) / 1000, rssMiB: rss, lagEvents: maxLagEvents(lag, CONSUMERS) });
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      await load.stop();
      await until(async () => {
        const lag = await healthLag(engine.url);
        return lag && maxLagEvents(lag, CONSUMERS) === 0 ? true : undefined;
      }, 20 * 60_000, 'the consumers to catch up after the soak');
    } finally {
      await load.stop();
      await engine.stop();
    }

    const rss = thirds(samples.map((sample) => sample.rssMiB));
    const lag = thirds(samples.map((sample) => sample.lagEvents));
    process.stderr.write(
      `fault figures: soak: ${load.acked.size} events in ${SOAK_SECONDS + WARM_UP_SECONDS} s, ${samples.length} samples; ` +
        `RSS MiB first third ${rss.first.toFixed(0)}, last ${rss.last.toFixed(0)}; lag events first third ${lag.first.toFixed(0)}, last ${lag.last.toFixed(0)}\n`,
    );
    expect(samples.length).toBeGreaterThanOrEqual(9);
    // The rate was sustained: every request answered 202, and most of what the rate asked for was sent.
    expect([...load.statuses.keys()]).toEqual([202]);
    expect(load.acked.size).toBeGreaterThan(RATE * SOAK_SECONDS * 0.5);
    // Flat: the last third within a generous margin of the first (heap growth settles after warm-up).
    expect(rss.last).toBeLessThan(rss.first * 1.25 + 32);
    expect(lag.last).toBeLessThan(lag.first * 2 + RATE * 10);
    expect(receiver.deliveries().length).toBeGreaterThan(0);
  }, (SOAK_SECONDS + WARM_UP_SECONDS) * 1000 + 30 * 60_000);

  it(`keeps RSS flat while the consumers drain a backlog of ${BACKLOG} events`, async () => {
    const url = await cluster.createDatabase('drain');
    const env = { DATABASE_URL: url, JOURNEY_RULES_FILE: exampleRulesFor(folder, receiver.url, { quietHours: false }), JOURNEY_WEBHOOK_SECRET: 'drain', JOURNEY_RATE_LIMITS: 'off' };
    // The consumers take their checkpoints, then stay off while the backlog is written.
    const first = new EngineProcess(env);
    await first.start();
    await until(async () => ((await healthLag(first.url))?.['projection:customer_360'] ? true : undefined), 10 * 60_000, 'the consumers to start');
    await first.stop();
    const writer = new EngineProcess({ ...env, JOURNEY_PROJECTOR: 'off', JOURNEY_SAGA: 'off' });
    await writer.start();
    const load = new PacedLoad(() => ({ url: writer.url, headers: writer.headers() }), {
      eventsPerSecond: 100_000,
      batch: 500,
      inFlight: 4,
      customers: Array.from({ length: BACKLOG / 10 }, (_, i) => `drain-${i}`),
      types: ['CustomerRegistered', 'ConsentChanged', 'PurchaseCompleted', 'PageViewed', 'ProductViewed', 'SearchPerformed'],
    });
    load.start();
    await until(() => (load.acked.size >= BACKLOG ? true : undefined), 30 * 60_000, 'the backlog to be written');
    await load.stop();
    await writer.stop();

    const engine = new EngineProcess(env);
    await engine.start();
    const samples: Sample[] = [];
    const started = performance.now();
    let behind = Number.NaN;
    // RSS ten times a second, apart from the lag's look-ups: a fast machine drains the backlog in
    // a few seconds, and each third needs several samples.
    const sampling = setInterval(() => {
      const rss = rssMiB(engine.pid!);
      if (rss !== undefined) samples.push({ at: (performance.now() - started) / 1000, rssMiB: rss, lagEvents: behind });
    }, 100);
    try {
      await until(async () => {
        const lag = await healthLag(engine.url);
        if (!lag) return undefined;
        behind = maxLagEvents(lag, CONSUMERS);
        await new Promise((resolve) => setTimeout(resolve, 250));
        return behind === 0 ? true : undefined;
      }, 60 * 60_000, 'the consumers to drain the backlog');
    } finally {
      clearInterval(sampling);
      await engine.stop();
    }
    const rss = thirds(samples.map((sample) => sample.rssMiB));
    process.stderr.write(
      `fault figures: drain: ${load.acked.size} events in ${Math.round((performance.now() - started) / 1000)} s, ${samples.length} samples; ` +
        `RSS MiB first third ${rss.first.toFixed(0)}, last ${rss.last.toFixed(0)}, highest ${Math.max(...samples.map((sample) => sample.rssMiB)).toFixed(0)}\n`,
    );
    expect(samples.length).toBeGreaterThanOrEqual(9);
    // A fresh process drains, so the first third holds its start-up too, and RSS follows the
    // heap's saw-tooth between major collections: generous, yet a leak per event drained shows.
    expect(rss.last).toBeLessThan(rss.first * 1.5 + 64);
  }, 90 * 60_000);
});
