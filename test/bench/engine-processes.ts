import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultMigrationsDir } from '@journey/database';
import { EngineProcess } from '../support/engine-process';

/** The webhook receiver in a process of its own, as a real one would be. */
export async function startReceiver(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(__dirname, 'webhook-receiver.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The example rules of infra/rules, their webhooks pointed at `receiverUrl`, as a file for JOURNEY_RULES_FILE. */
export function exampleRulesFile(receiverUrl: string): string {
  const folder = join(defaultMigrationsDir(), '..', 'rules');
  const origin = new URL(receiverUrl).origin;
  const text = readFileSync(join(folder, 'rules.json'), 'utf8')
    .replaceAll('http://127.0.0.1:4000', origin)
    .replaceAll('"templateFile": "', `"templateFile": ${JSON.stringify(`${folder}/`).slice(0, -1)}`);
  const file = join(mkdtempSync(join(tmpdir(), 'journey-bench-engine-')), 'rules.json');
  writeFileSync(file, text);
  return file;
}

/**
 * `count` engines as `npm start` runs them, side by side on one database, each on a port of its
 * own. They start one after the other: the first migrates the database and loads the rules.
 */
export async function startEngines(url: string, count: number, rulesFile: string, workers = 1): Promise<EngineProcess[]> {
  const engines: EngineProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const engine = new EngineProcess({
        DATABASE_URL: url,
        LOG_LEVEL: 'info',
        JOURNEY_RULES_FILE: rulesFile,
        JOURNEY_WEBHOOK_SECRET: 'bench-webhook-secret',
        JOURNEY_WORKERS: String(workers),
      });
      engines.push(engine);
      await engine.start();
    }
    return engines;
  } catch (error) {
    await stopEngines(engines);
    throw error;
  }
}

export async function stopEngines(engines: readonly EngineProcess[]): Promise<void> {
  await Promise.all(engines.map((engine) => engine.stop()));
}

/** The most memory the engine has held so far (VmHWM), in MiB: with workers, the largest of them. */
export function peakRssMiB(engine: EngineProcess): number {
  const pids = [engine.pid!, ...childPids(engine.pid!)];
  return Math.max(...pids.map((pid) => {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  }));
}

/**
 * CPU seconds (user and system) the engine processes and PostgreSQL's processes have used so
 * far: for the cost of an event, taken before and after a stretch of load.
 */
export function cpuSeconds(engines: readonly EngineProcess[]): { engine: number; postgres: number } {
  const pids = new Set(engines.flatMap((engine) => [engine.pid!, ...childPids(engine.pid!)]));
  let engine = 0;
  let postgres = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process has ended
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (USER_HZ, 100 on Linux); with cutime and cstime, the time
    // of the children it has reaped: a PostgreSQL backend that ends meanwhile is counted in the postmaster.
    const ticks = (n: number): number => Number(fields[n]);
    if (pids.has(Number(entry))) engine += (ticks(11) + ticks(12)) / 100;
    else if (name === 'postgres') postgres += (ticks(11) + ticks(12) + ticks(13) + ticks(14)) / 100;
  }
  return { engine, postgres };
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Lines the engine logged at error level (pino's 50) or above. */
export function errorLines(engine: EngineProcess): string[] {
  return engine.log.split('\n').filter((line) => /"level":(50|60)/.test(line));
}

/** A key with the ingest role, made through the admin API (as an operator would). */
export async function ingestKey(engine: EngineProcess): Promise<string> {
  const response = await fetch(`${engine.url}/v1/keys`, { method: 'POST', headers: engine.headers(true), body: JSON.stringify({ role: 'ingest', name: 'bench load' }) });
  if (response.status !== 201) throw new Error(`creating an ingest key: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}
