import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** Where Debian puts the PostgreSQL 15 server binaries; JOURNEY_PG_BIN overrides it. */
const BIN = process.env.JOURNEY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export type StopMode = 'smart' | 'fast' | 'immediate';

/** Why a private cluster cannot run here, or undefined when it can. */
export function clusterUnavailable(): string | undefined {
  if (!existsSync(join(BIN, 'initdb')) || !existsSync(join(BIN, 'pg_ctl'))) return `no initdb/pg_ctl in ${BIN} (set JOURNEY_PG_BIN)`;
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no postgres OS user to run the server as';
  return undefined;
}

/** `describe` for suites that need a private cluster: skipped with one line when none can run. */
export function describeWithCluster(name: string, body: () => void): void {
  const why = clusterUnavailable();
  if (why === undefined) {
    describe(name, body);
  } else {
    process.stderr.write(`skipped: ${name}: ${why}\n`);
    describe.skip(name, body);
  }
}

/** Clusters of this process still running, stopped at exit if a test forgot (or died before) cleanup. */
const running = new Set<PgCluster>();
process.once('exit', () => {
  for (const cluster of running) cluster.killNow();
});

/**
 * A private PostgreSQL cluster for fault tests: its own data folder in a temporary directory, on a
 * free loopback port, run as the `postgres` OS user when this process is root. It never touches
 * the shared server on 5432, so a test may stop, crash and restart it at will.
 */
export class PgCluster {
  private constructor(
    /** The temporary folder holding the data directory, the socket and the server log. */
    readonly dir: string,
    readonly port: number,
  ) {}

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** The server's log file (useful in a failure message). */
  get logFile(): string {
    return join(this.dir, 'postgres.log');
  }

  /** Creates the cluster (initdb) and starts it. */
  static async create(): Promise<PgCluster> {
    const why = clusterUnavailable();
    if (why) throw new Error(`cannot run a private PostgreSQL cluster: ${why}`);
    const dir = mkdtempSync(join(tmpdir(), 'journey-pg-'));
    if (asRoot()) await run('chown', ['postgres:postgres', dir], false);
    const cluster = new PgCluster(dir, await freePort());
    try {
      await run(join(BIN, 'initdb'), ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
      const settings = [
        `port = ${cluster.port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        'max_connections = 100',
        'shared_buffers = 32MB',
        // The OS does not crash in these tests, only the server: WAL in the page cache survives an immediate stop.
        'fsync = off',
        'full_page_writes = off',
      ];
      await writeAsOwner(join(cluster.dataDir, 'postgresql.auto.conf'), `${settings.join('\n')}\n`);
      await cluster.start();
    } catch (error) {
      await cluster.cleanup();
      throw error;
    }
    return cluster;
  }

  /** A connection URL for `database` on this cluster. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    running.add(this);
    await run(join(BIN, 'pg_ctl'), ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '120', '-s']);
  }

  /** Stops the server: `fast` rolls back and disconnects sessions; `immediate` aborts like a crash. */
  async stop(mode: StopMode = 'fast'): Promise<void> {
    await run(join(BIN, 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', mode, '-w', '-t', '120', '-s']);
    running.delete(this);
  }

  /** Stops (by `mode`) and starts again on the same port. */
  async restart(mode: StopMode = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** Whether the server is running (pg_ctl status). */
  async isRunning(): Promise<boolean> {
    try {
      await run(join(BIN, 'pg_ctl'), ['status', '-D', this.dataDir]);
      return true;
    } catch {
      return false;
    }
  }

  /** Runs one statement on `database` through a connection of its own. */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<R[]> {
    const client = new Client({ connectionString: this.url(database), application_name: 'journey-fault-harness' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Creates an empty database and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} is not a plain identifier`);
    await this.query(`CREATE DATABASE ${name}`);
    return this.url(name);
  }

  /**
   * Ends the backends of every session named `applicationName` (pg_terminate_backend), as an
   * administrator or a failover would; only those in one of `states` when given (e.g. 'active',
   * 'idle in transaction'). Returns how many were ended.
   */
  async terminate(applicationName: string, states?: readonly string[]): Promise<number> {
    const rows = await this.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
        WHERE application_name = $1 AND pid <> pg_backend_pid() AND ($2::text[] IS NULL OR state = ANY($2::text[]))`,
      [applicationName, states ? [...states] : null],
    );
    return rows.filter((row) => row.ended).length;
  }

  /** Stops the server at once (if running) and deletes its folder. */
  async cleanup(): Promise<void> {
    if (await this.isRunning()) await this.stop('immediate').catch(() => undefined);
    running.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort at process exit. */
  killNow(): void {
    const [command, args] = asPostgres(join(BIN, 'pg_ctl'), ['stop', '-D', this.dataDir, '-m', 'immediate', '-s']);
    spawnSync(command, args, { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function asRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The command line that runs `command` as the postgres OS user when this process is root. */
function asPostgres(command: string, args: readonly string[]): [string, string[]] {
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
}

/** Runs a command (as postgres unless `asServerUser` is false); rejects with its output on failure. */
function run(command: string, args: readonly string[], asServerUser = true): Promise<string> {
  const [file, argv] = asServerUser ? asPostgres(command, args) : [command, [...args]];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${[command, ...args].join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

async function writeAsOwner(path: string, text: string): Promise<void> {
  writeFileSync(path, text, { flag: 'a' });
  if (asRoot()) await run('chown', ['postgres:postgres', path], false);
}

/** A loopback port nobody listens on at this instant. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
