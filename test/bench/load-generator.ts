import { connect, type Socket } from 'node:net';

export interface PostLoadOptions {
  /** The server, as `http://host:port`. */
  readonly url: string;
  readonly path: string;
  /** Keep-alive connections, each with one request in flight. */
  readonly connections: number;
  readonly seconds: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body of the next request (JSON). */
  readonly body: () => string;
  /**
   * Requests per second over all connections, spread evenly in time; absent means as fast as
   * answers come back. A connection still waits for its answer before it sends again, so a
   * server slower than the rate gets fewer.
   */
  readonly rate?: number;
  /** Ends the run early: no request is sent after the abort, those in flight are awaited. */
  readonly signal?: AbortSignal;
}

export interface LoadResult {
  /** Answers by HTTP status. */
  readonly statuses: ReadonlyMap<number, number>;
  readonly ok: number;
  readonly failed: number;
  /** From the first request to the last answer (requests in flight at the deadline are awaited). */
  readonly seconds: number;
  /** CPU this process spent meanwhile, in cores: the load generator's own share of the machine. */
  readonly cores: number;
}

const HEAD_END = '\r\n\r\n';

/**
 * POSTs as fast as answers come back, over keep-alive HTTP/1.1 connections. The benchmarks run it
 * on the same cores as the service they measure, so it does as little as it can: each request is
 * written as one string, and an answer is read only as far as its status line and Content-Length
 * (the services answer every request with one). On a 2-core machine it took half the CPU per
 * request that autocannon and undici took, which left that much more to the service measured.
 * Anything it cannot read (a chunked answer, a closed connection, a socket error) fails the run.
 */
export function postLoad(options: PostLoadOptions): Promise<LoadResult> {
  const { hostname, port } = new URL(options.url);
  const head = `POST ${options.path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${Object.entries(options.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}`;
  const request = (body: string): string => `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  return new Promise<LoadResult>((resolve, reject) => {
    const statuses = new Map<number, number>();
    const sockets: Socket[] = [];
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    let open = options.connections;
    let failure: Error | undefined;
    let scheduled = 0;
    const over = (): boolean => performance.now() >= deadline || options.signal?.aborted === true;
    // The n-th request of the run is due n / rate seconds after the start.
    const delayOfNext = (): number => (options.rate ? Math.max(0, started + (scheduled++ * 1000) / options.rate - performance.now()) : 0);

    const fail = (error: Error): void => {
      if (failure) return;
      failure = error;
      for (const socket of sockets) socket.destroy();
      reject(error);
    };
    const finished = (): void => {
      if (--open > 0 || failure) return;
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      let ok = 0;
      let failed = 0;
      for (const [status, count] of statuses) {
        if (status >= 200 && status < 300) ok += count;
        else failed += count;
      }
      resolve({ statuses, ok, failed, seconds, cores: (cpu.user + cpu.system) / 1e6 / seconds });
    };

    for (let i = 0; i < options.connections; i++) {
      const socket = connect({ host: hostname, port: Number(port) });
      sockets.push(socket);
      socket.setNoDelay(true);
      // One character per byte: string lengths are byte counts, as Content-Length is.
      socket.setEncoding('latin1');
      let pending = '';
      let done = false;
      const close = (): void => {
        done = true;
        socket.end();
        finished();
      };
      const send = (): void => {
        const delay = delayOfNext();
        if (delay === 0) return void socket.write(request(options.body()));
        // A request due after the deadline is not sent: the run ends at its deadline.
        if (performance.now() + delay >= deadline) return close();
        setTimeout(() => (over() ? close() : socket.write(request(options.body()))), delay);
      };
      socket.on('connect', send);
      socket.on('data', (chunk: string) => {
        pending += chunk;
        for (;;) {
          const end = pending.indexOf(HEAD_END);
          if (end < 0) return;
          const answer = readHead(pending.slice(0, end));
          if (typeof answer === 'string') return fail(new Error(`load generator: ${answer}`));
          const length = end + HEAD_END.length + answer.contentLength;
          if (pending.length < length) return;
          pending = pending.slice(length);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (over()) return close();
          send();
        }
      });
      socket.on('error', (error) => fail(error));
      socket.on('close', () => {
        if (!done) fail(new Error('load generator: the server closed a connection'));
      });
    }
  });
}

/** The status and body length of an answer's head, or why it cannot be read. */
function readHead(head: string): { status: number; contentLength: number } | string {
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status)) return `not an HTTP/1.1 answer: ${head.slice(0, 40)}`;
  const lower = head.toLowerCase();
  if (lower.includes('\r\nconnection: close')) return `the server closes the connection after a ${status} answer`;
  const match = /\r\ncontent-length: *(\d+)/.exec(lower);
  if (!match) return `a ${status} answer without Content-Length`;
  return { status, contentLength: Number(match[1]) };
}
