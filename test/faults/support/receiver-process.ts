import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WebhookReceiver } from '../../support/webhook-receiver';

/** One webhook as the receiver process recorded it. */
export interface Delivery {
  readonly path: string;
  readonly idempotencyKey: string;
  readonly body: string;
}

/**
 * The webhook receiver (test/support/webhook-receiver.ts) in a process of its own, so that
 * killing the engine cannot take a delivery's record with it: each request is appended to
 * `file` as a line of JSON before it is answered 200.
 */
export class ReceiverProcess {
  private child: ChildProcess | undefined;
  url = '';

  constructor(private readonly file: string) {}

  async start(): Promise<string> {
    const child = spawn(process.execPath, [builtEntry(), this.file], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    this.url = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^listening (http:\/\/\S+)$/m.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`webhook receiver exited with ${code}`)));
    });
    return this.url;
  }

  /** Every delivery recorded so far, in order of arrival. */
  deliveries(): Delivery[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Delivery);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    await closed;
  }
}

/** This file as built (`npm run build`), runnable by node from the tests' sources too. */
function builtEntry(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const entry = join(dir, 'dist', 'test', 'faults', 'support', 'receiver-process.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  return entry;
}

/** The process: records each request, then answers it. */
async function main(file: string): Promise<void> {
  const receiver = new WebhookReceiver();
  receiver.respond = (request) => {
    const key = request.headers['idempotency-key'];
    const delivery: Delivery = { path: request.path, idempotencyKey: typeof key === 'string' ? key : '', body: request.body };
    appendFileSync(file, `${JSON.stringify(delivery)}\n`);
    return 200;
  };
  const url = await receiver.start();
  process.stdout.write(`listening ${url}\n`);
  process.once('SIGTERM', () => void receiver.stop().then(() => process.exit(0)));
}

if (require.main === module) void main(process.argv[2]!);
