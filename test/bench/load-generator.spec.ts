import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postLoad } from './load-generator';

/** A server on a free port that answers with `handler`. */
async function serve(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const load = (url: string, body: () => string = () => '{}') =>
  postLoad({ url, path: '/v1/events', connections: 4, seconds: 0.3, headers: { 'content-type': 'application/json' }, body });

describe('the benchmarks’ load generator', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('counts every answer by status, and sends each request the body made for it', async () => {
    const seen = { ok: 0, rejected: 0, bodies: new Set<string>(), headers: new Set<string>() };
    let n = 0;
    let url: string;
    ({ server, url } = await serve((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        seen.bodies.add(body);
        seen.headers.add(`${request.method} ${request.url} ${request.headers['content-type']}`);
        // Every third request is refused; replies carry multi-byte characters, counted in bytes.
        const { n: sent } = JSON.parse(body) as { n: number };
        const refuse = sent % 3 === 0;
        if (refuse) seen.rejected++;
        else seen.ok++;
        const reply = JSON.stringify({ status: refuse ? 'rejected' : 'appended', pad: 'é'.repeat(sent % 50) });
        response.writeHead(refuse ? 400 : 202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
        response.end(reply);
      });
    }));

    const result = await load(url, () => JSON.stringify({ n: n++ }));

    expect(seen.ok + seen.rejected).toBe(n);
    expect(seen.bodies.size).toBe(n);
    expect(seen.headers).toEqual(new Set(['POST /v1/events application/json']));
    expect(result.ok).toBe(seen.ok);
    expect(result.failed).toBe(seen.rejected);
    expect(result.statuses.get(202)).toBe(seen.ok);
    expect(result.statuses.get(400)).toBe(seen.rejected);
    expect(n).toBeGreaterThan(0);
    expect(result.seconds).toBeGreaterThanOrEqual(0.3);
  });

  it('fails the run on an answer it cannot read', async () => {
    let url: string;
    ({ server, url } = await serve((request, response) => {
      request.resume();
      request.on('end', () => {
        // A write before the end makes Node send the body chunked.
        response.write('chunked, ');
        response.end('without a length');
      });
    }));
    await expect(load(url)).rejects.toThrow('a 200 answer without Content-Length');
  });

  it('fails the run when the server closes a connection', async () => {
    let url: string;
    ({ server, url } = await serve((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(202, { 'content-length': 2, connection: 'close' });
        response.end('{}');
      });
    }));
    await expect(load(url)).rejects.toThrow('the server closes the connection after a 202 answer');
  });
});
