import { execFileSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { streamIdOf } from '@journey/contracts';
import { dataset } from '@journey/datagen';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { CUSTOMER_PROJECTION } from '@journey/projections';
import { EngineProcess } from '../support/engine-process';
import { sampleEvent } from '../support/sample-events';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';

const PARTITIONS = 8;
const LEASE_SECONDS = 3;

/** The pids of a process's children (the supervisor's workers). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

/** A port free now (the supervisor closes its port while no worker is left, and a port 0 would come back as another). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** One HTTP request with the admin key, over `agent` (false: a connection of its own). */
function call(engine: EngineProcess, method: string, path: string, agent: Agent | false, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${engine.url}${path}`, { method, agent, headers: engine.headers(body !== undefined) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The value of an unlabelled metric (or of `name{labels}`) in a /metrics answer. */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
}

describeWithServer('JOURNEY_WORKERS runs several engine processes on one port', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
  });
  afterAll(async () => {
    await t.drop();
  });

  /** Owner → how many of the customer pass's partitions it holds now. */
  const shares = async (): Promise<Map<string, number>> => {
    const { rows } = await t.db.query<{ owner: string; n: number }>(
      `SELECT owner, count(*)::int AS n FROM journey.partition_leases
       WHERE grp = $1 AND owner IS NOT NULL AND lease_until > clock_timestamp() GROUP BY owner`,
      [CUSTOMER_PROJECTION],
    );
    return new Map(rows.map((row) => [row.owner, Number(row.n)]));
  };
  const splitInTwo = async (): Promise<Map<string, number> | undefined> => {
    const held = await shares();
    return held.size === 2 && [...held.values()].every((n) => n === PARTITIONS / 2) ? held : undefined;
  };

  /** An engine of two workers on the test database (one split of the partitions for every test). */
  const twoWorkers = (env: Record<string, string> = {}): EngineProcess =>
    new EngineProcess({
      DATABASE_URL: t.url!,
      JOURNEY_WORKERS: '2',
      JOURNEY_PARTITIONS: String(PARTITIONS),
      JOURNEY_LEASE_SECONDS: String(LEASE_SECONDS),
      JOURNEY_RFM_INTERVAL_SECONDS: '0',
      JOURNEY_CLOCK_INTERVAL_SECONDS: '0',
      ...env,
    });
  /** Resolves once both workers listen (start() resolves on the first). */
  const bothListening = (engine: EngineProcess): Promise<true> =>
    until(() => ((engine.log.match(/journey engine listening on/g) ?? []).length >= 2 ? true : undefined), 120_000, 'both workers listening');

  it('shares the port and the partitions, starts a killed worker again, folds every event, and stops whole on SIGTERM', async () => {
    const engine = twoWorkers();
    await engine.start();
    const first = await until(splitInTwo, 120_000, 'the partitions split between the two workers');

    // /metrics, whichever worker answers, counts both workers' partitions once, and the two members once.
    await bothListening(engine);
    for (let i = 0; i < 4; i++) {
      const { text } = await call(engine, 'GET', '/metrics', false);
      expect(valueOf(text, `journey_partitions_owned{group="${CUSTOMER_PROJECTION}"}`)).toBe(PARTITIONS);
      expect(valueOf(text, `journey_partition_members{group="${CUSTOMER_PROJECTION}"}`)).toBe(2);
    }

    // New connections to the one port reach both workers: each answers with the partitions it holds.
    const seen = new Set<string>();
    await until(async () => {
      const response = await fetch(`${engine.url}/health`, { headers: { connection: 'close' } });
      const body = (await response.json()) as { partitions: Record<string, { owned: number[] }> };
      seen.add(JSON.stringify(body.partitions[CUSTOMER_PROJECTION]!.owned));
      return seen.size === 2 ? true : undefined;
    }, 60_000, 'answers from both workers');

    // kill -9 one worker: the supervisor starts another, and the two share the partitions again.
    const killed = [...first.keys()][0]!;
    const pid = Number(/:(\d+):/.exec(killed)![1]);
    expect(pid).not.toBe(engine.pid);
    process.kill(pid, 'SIGKILL');
    await until(async () => {
      const held = await splitInTwo();
      return held && !held.has(killed) ? true : undefined;
    }, 120_000, 'a new worker in the place of the killed one');
    expect(engine.log).toContain('engine worker died; starting it again');

    // Events committed are folded by the two workers.
    const store = new PostgresEventStore(t.db);
    const now = new Date();
    const customers = [...dataset({ seed: 7, customers: 120, until: now }, now).customers()];
    for (const customer of customers) {
      const byStream = new Map<string, (typeof customer.events)[number][]>();
      for (const event of customer.events) byStream.set(streamIdOf(event), [...(byStream.get(streamIdOf(event)) ?? []), event]);
      await store.appendMany([...byStream].map(([streamId, events]) => ({ streamId, events })));
    }
    await until(async () => ((await store.checkpointsReached([CUSTOMER_PROJECTION], await store.lastCommitted())) ? true : undefined), 300_000, 'the pass caught up');
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.customer_360');
    expect(rows[0]!.n).toBe(customers.length);
    await store.close();

    // SIGTERM to the supervisor stops every worker; it ends when they have.
    const workerPids = [...(await shares()).keys()].map((owner) => Number(/:(\d+):/.exec(owner)![1]));
    const { code } = await engine.stop();
    expect(code).toBe(0);
    for (const workerPid of workerPids) expect(() => process.kill(workerPid, 0)).toThrow();
  }, 900_000);

  it('starts every worker again when all of them die at once, on the same port, and still stops with code 0 on SIGTERM', async () => {
    const engine = twoWorkers({ PORT: String(await freePort()) });
    await engine.start();
    const supervisor = engine.pid!;
    await bothListening(engine);
    const workers = childrenOf(supervisor);
    expect(workers).toHaveLength(2);
    try {
      // Both crash together (the OOM killer, a fault every worker meets): no worker is left during the pause.
      for (const pid of workers) process.kill(pid, 'SIGKILL');
      const restarted = await until(() => {
        const pids = childrenOf(supervisor).filter((pid) => !workers.includes(pid));
        return pids.length === 2 ? pids : undefined;
      }, 60_000, 'two new workers');
      await until(() => ((engine.log.match(/journey engine listening on/g) ?? []).length >= 4 ? true : undefined), 120_000, 'the new workers listening');
      expect((await call(engine, 'GET', '/health', false)).status).toBe(200);
      const { code } = await engine.stop();
      expect(code).toBe(0);
      for (const pid of restarted) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await engine.kill();
      for (const pid of childrenOf(supervisor)) process.kill(pid, 'SIGKILL');
    }
  }, 300_000);

  it('answers /metrics for all the workers together: a counter reads the same on every connection', async () => {
    const engine = twoWorkers({ JOURNEY_PROJECTOR: 'off', JOURNEY_SAGA: 'off' });
    await engine.start();
    try {
      await bothListening(engine);
      // 20 events over one kept-alive connection, so all to one worker.
      const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; i < 20; i++) {
        const reply = await call(engine, 'POST', '/v1/events', keepAlive, sampleEvent('PageViewed', { customerId: `wm-${i}` }));
        expect(reply.status).toBe(202);
      }
      keepAlive.destroy();
      // Scrapes as Prometheus makes them, a connection each, so to each worker in turn.
      const scraped: number[] = [];
      for (let i = 0; i < 8; i++) scraped.push(valueOf((await call(engine, 'GET', '/metrics', false)).text, 'journey_append_events_total'));
      expect(scraped).toEqual(Array(8).fill(20));
    } finally {
      await engine.stop();
    }
  }, 300_000);
});
