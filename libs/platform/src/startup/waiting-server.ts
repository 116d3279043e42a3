import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from '../problem';

/** Seconds a client is asked to wait before it tries again. */
const RETRY_AFTER_SECONDS = '5';

/**
 * The stand-in a service puts on its port while it waits for the database at start: `/health`
 * answers 503 with what it waits for, every other route a 503 problem, both with Retry-After, so
 * a load balancer and clients see "not yet" rather than a refused connection or a crash loop.
 */
export class WaitingServer {
  private readonly server: Server;
  private reason = 'the database has not answered yet';

  constructor() {
    this.server = createServer((request, response) => this.answer(request, response));
    // Clients must not hold a connection to the stand-in: the service proper replaces it.
    this.server.keepAliveTimeout = 1;
  }

  /** Listens on `host:port` (0 for any free port) and returns the bound port. */
  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as { port: number }).port;
  }

  /** What `/health` says the service waits for. */
  waitingFor(reason: string): void {
    this.reason = reason;
  }

  /** Stops listening and drops every connection, so that the port is free for the service proper. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    request.resume();
    const path = (request.url ?? '/').split('?')[0];
    const health = path === '/health';
    const body = health
      ? { status: 'starting', database: { error: this.reason } }
      : {
          type: 'urn:journey:problem:unavailable',
          title: 'Event store unavailable',
          status: 503,
          detail: 'The service is starting and waits for its database; nothing was read or written.',
        };
    response.writeHead(503, {
      'content-type': health ? 'application/json; charset=utf-8' : PROBLEM_CONTENT_TYPE,
      'retry-after': RETRY_AFTER_SECONDS,
      connection: 'close',
    });
    response.end(JSON.stringify(body));
  }
}
