import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { until } from './until';

/** infra/scripts/kafka-local.mjs, from the sources or from their build in dist/. */
function script(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'infra', 'scripts', 'kafka-local.mjs');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find infra/scripts/kafka-local.mjs above ${__dirname}`);
  }
}

/** Why no broker of a test's own can run here (no Java 17, no Maven), or undefined. */
export function localBrokerUnavailable(): string | undefined {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error) return 'no java on the PATH';
  const version = Number(/version "(\d+)/.exec(java.stderr)?.[1] ?? '0');
  if (version < 17) return `java ${version} is older than 17`;
  if (spawnSync('mvn', ['-v']).error) return 'no mvn on the PATH';
  return undefined;
}

/**
 * A one-node broker of a test's own, run by infra/scripts/kafka-local.mjs: the test may stop it
 * (cleanly, as an operator would) and start it again on the same port with the same data.
 */
export class LocalKafkaBroker {
  private process: ChildProcess | undefined;
  private port: number | undefined;
  /** Made at the first start: a skipped suite still builds its broker object. */
  private data: string | undefined;

  /** host:port, once started. */
  get brokers(): string {
    if (this.port === undefined) throw new Error('the broker has not started');
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the broker (the first time on a free port, then on the same one) and resolves once it answers. */
  async start(): Promise<void> {
    this.data ??= mkdtempSync(join(tmpdir(), 'journey-test-kafka-'));
    const args = [script(), '--data', this.data, '--exit-with-stdin', ...(this.port === undefined ? [] : ['--port', String(this.port)])];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process = child;
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    let exited = false;
    child.once('exit', () => (exited = true));
    // Resolving the jars the first time downloads them; starting a JVM on a loaded machine is slow.
    const port = await until(
      () => {
        if (exited) throw new Error(`kafka-local exited before the broker answered:\n${err}`);
        const match = /^KAFKA_BROKERS=127\.0\.0\.1:(\d+)$/m.exec(out);
        return match ? Number(match[1]) : undefined;
      },
      15 * 60_000,
      'the local Kafka broker',
    );
    this.port = port;
  }

  /** Stops the broker cleanly (SIGTERM: a controlled shutdown) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops the broker and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.data) rmSync(this.data, { recursive: true, force: true });
  }
}
