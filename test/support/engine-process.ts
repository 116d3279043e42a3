import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, from the sources or from their build in dist/. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The admin key engine processes under test are started with. */
export const PROCESS_ADMIN_KEY = 'process-admin-key-0123456789abcdefghijklmn';
/** The master key engine processes under test are started with (JOURNEY_MASTER_KEY). */
export const PROCESS_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** A built service (`npm run build`) as its own process: the engine by default, as `npm start` runs it. */
export class EngineProcess {
  private child: ChildProcess | undefined;
  private output = '';
  port = 0;

  private readonly entry: string;

  constructor(
    private readonly env: Record<string, string>,
    service: 'engine' | 'ingest' | 'projector' | 'query' | 'saga' = 'engine',
  ) {
    this.entry = join(repositoryRoot(), 'dist', 'services', service, 'src', 'main.js');
    if (!existsSync(this.entry)) throw new Error(`${this.entry} is missing: run npm run build first`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Headers of a request with the admin key (and JSON, when there is a body). */
  headers(json = false): Record<string, string> {
    return { authorization: `Bearer ${this.env.JOURNEY_ADMIN_KEY ?? PROCESS_ADMIN_KEY}`, ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get log(): string {
    return this.output;
  }

  /** Starts the engine and resolves once it says where it listens. */
  async start(timeoutMs = 180_000): Promise<void> {
    const child = spawn(process.execPath, [this.entry], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', JOURNEY_ADMIN_KEY: PROCESS_ADMIN_KEY, JOURNEY_MASTER_KEY: PROCESS_MASTER_KEY, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`engine did not start:\n${this.output}`));
      }, timeoutMs);
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        const match = /listening on http:\/\/[^:]+:(\d+)/.exec(this.output);
        if (match) {
          this.port = Number(match[1]);
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`engine exited with ${code}:\n${this.output}`));
      });
    });
  }

  /** Kills the process without warning, as a crash or an OOM killer would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Asks for a graceful shutdown (SIGTERM) and waits for the process to end. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null };
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, by) => resolve({ code, signal: by })),
    );
    child.kill(signal);
    return exited;
  }
}
