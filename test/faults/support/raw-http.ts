import { Agent, request } from 'node:http';

export interface RawRequest {
  readonly method: string;
  /** Sent as it is: percent-encoding, malformed or not, is the caller's. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface RawResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * An HTTP/1.1 client that sends a path exactly as given (no URL normalisation, unlike fetch),
 * over kept-alive connections, and waits as long as a loaded machine needs.
 */
export class RawHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  send(raw: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      // A body always goes with its length: DELETE and OPTIONS would otherwise send it unframed.
      const headers = raw.body === undefined ? raw.headers : { ...raw.headers, 'content-length': String(Buffer.byteLength(raw.body)) };
      const req = request(
        { host: this.host, port: this.port, method: raw.method, path: raw.path, headers, agent: this.agent, timeout: 120_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer to ${raw.method} ${raw.path.slice(0, 200)} within 120 s`)));
      req.on('error', reject);
      req.end(raw.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
