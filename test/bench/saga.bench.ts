/**
 * npm run bench:saga — the journeys runtime: the saga's throughput with a hundred rules over a
 * generated history of about a million events (beside the raw insert ceiling C of the same
 * run), and webhook delivery to a receiver on this machine. Writes its section of
 * docs/benchmarks.md. EVENTS and RUNS tune it.
 */
import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PgDatabase } from '@journey/database';
import { seedHistory } from './bench-history';
import { RuleStore } from '@journey/journeys';
import { benchDatabaseUrl, ceiling, commitOf, describeMachine, fmt, median, recordResults, spreadOf, spreadText } from './bench-support';
import { benchmarkRules } from './saga-rules';

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const HEADING = '## Journeys (`npm run bench:saga`)';

interface Decide {
  readonly events: number;
  readonly seconds: number;
  readonly decisions: number;
  readonly maxRssMiB: number;
}
interface Dispatch {
  readonly actions: number;
  readonly failed: number;
  readonly seconds: number;
}

function worker<T>(...args: string[]): T {
  return JSON.parse(execFileSync(process.execPath, [join(__dirname, 'saga-worker.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 })) as T;
}

/** The receiver runs in a process of its own, as a real one would. */
async function startReceiver(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(__dirname, 'webhook-receiver.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function main(): Promise<void> {
  const url = await benchDatabaseUrl('journey_bench_saga');
  const machine = await describeMachine(url);
  const seeded = await seedHistory(url, EVENTS);
  const db = new PgDatabase({ url, poolSize: 6 });
  const rules = new RuleStore(db);
  const definitions = benchmarkRules();
  for (const definition of definitions) await rules.save(definition);

  const ceilings: number[] = [];
  const rates: number[] = [];
  const rss: number[] = [];
  let decisions = 0;
  for (let run = 1; run <= RUNS; run++) {
    ceilings.push(await ceiling(url, 5));
    const result = worker<Decide>(url, 'decide');
    rates.push(result.events / result.seconds);
    rss.push(result.maxRssMiB);
    decisions = result.decisions;
    process.stdout.write(`run ${run}: C ${fmt(ceilings.at(-1)!)} events/s; saga ${fmt(result.events)} events in ${result.seconds.toFixed(1)} s = ${fmt(rates.at(-1)!)} events/s, ${fmt(result.decisions)} decisions, peak RSS ${fmt(result.maxRssMiB)} MiB\n`);
  }

  // Delivery: one webhook rule (every order is confirmed to an order system), the rest disabled.
  for (const definition of definitions) await rules.setEnabled(definition.id as string, false);
  const receiver = await startReceiver();
  await rules.save({
    id: 'bench-order-confirmation',
    name: 'every order to the order system',
    trigger: { event: 'PurchaseCompleted' },
    action: { channel: 'webhook', target: receiver.url, template: '{"customer": {{json customer.customerId}}, "order": {{json event.data.orderId}}, "total": {{json event.data.total}} }' },
  });
  const dispatchRates: number[] = [];
  let actions = 0;
  try {
    for (let run = 1; run <= RUNS; run++) {
      const result = worker<Dispatch>(url, 'dispatch');
      if (result.failed > 0) throw new Error(`${result.failed} deliveries failed`);
      actions = result.actions;
      dispatchRates.push(result.actions / result.seconds);
      process.stdout.write(`run ${run}: ${fmt(result.actions)} webhooks delivered and recorded in ${result.seconds.toFixed(1)} s = ${fmt(dispatchRates.at(-1)!)} actions/s\n`);
    }
  } finally {
    await receiver.stop();
    await db.close();
  }

  const ratio = median(rates.map((rate, i) => rate / ceilings[i]!));
  const date = new Date().toISOString();
  const commit = commitOf();
  const section = [
    HEADING,
    '',
    'A part alone: the customer pass with its rules catching up by itself, and webhook delivery by itself; the whole engine as users run it is measured by `npm run bench:engine`.',
    '',
    `Measured ${date} on commit ${commit}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os},`,
    `Node ${machine.node}, PostgreSQL ${machine.postgres}. Command: \`npm run bench:saga\` (${RUNS} runs).`,
    '',
    `The history: ${fmt(seeded.events)} events of ${fmt(seeded.customers)} generated customers (\`journey seed\`), every one of`,
    `them judged (the age limit on triggers is lifted). ${definitions.length} rules of the kinds shops write (test/bench/saga-rules.ts):`,
    'triggers with filters on category, price, basket, stage, ticket priority, conditions on the 360,',
    'waits with exits, frequency caps, consent and holdouts, acting on the log channel. A run is the',
    'customer pass catching up from empty read models in a process of its own: folding each event',
    'into the 360 (visitors merged), judging the rules on the state it left, and writing the rows,',
    'decisions, timers, outbox rows and derived events with the checkpoint. Delivery: one rule sends every order to a webhook receiver on this machine (its own',
    'process); a run delivers the whole outbox (signed POST, then ActionDispatched and the outbox row',
    'recorded) and is timed from the first claim to the last record.',
    '',
    '| figure | value | target | |',
    '| --- | ---: | --- | --- |',
    `| raw insert ceiling C (median) | ${fmt(median(ceilings))} events/s |  |  |`,
    `| saga, ${definitions.length} rules (median, min–max) | ${spreadText(rates)} events/s = ${ratio.toFixed(2)} C | ≥ 15,000 events/s | ${median(rates) >= 15_000 ? 'met' : 'not met'} |`,
    `| decisions taken per run | ${fmt(decisions)} |  |  |`,
    `| saga peak RSS (max) | ${fmt(Math.max(...rss))} MiB |  |  |`,
    `| webhook delivery (median, min–max) | ${spreadText(dispatchRates)} actions/s | ≥ 2,000 actions/s | ${median(dispatchRates) >= 2000 ? 'met' : 'not met'} |`,
    `| webhooks per run | ${fmt(actions)} |  |  |`,
    '',
  ].join('\n');
  const file = recordResults(HEADING, section, 'saga', {
    date,
    commit,
    machine,
    command: 'npm run bench:saga',
    events: seeded.events,
    rules: definitions.length,
    ceiling: { median: median(ceilings), runs: ceilings },
    saga: { ...spreadOf(rates), ratioToCeiling: ratio, decisions, peakRssMiB: Math.max(...rss), target: 15_000 },
    dispatch: { median: median(dispatchRates), runs: dispatchRates, actions, target: 2000 },
  });
  process.stdout.write(`\n${section}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
