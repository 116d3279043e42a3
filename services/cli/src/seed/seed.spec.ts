import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JourneyEvent } from '@journey/contracts';
import { httpSink } from './seed';

interface Call {
  readonly headers: IncomingHttpHeaders;
  readonly eventIds: string[];
}

/**
 * A stand-in engine: records each call and answers with the next of `answers` (202 once they run
 * out), a 202 with a result per event: a duplicate when `stored` holds its id, else appended.
 */
async function withEngine(
  answers: ReadonlyArray<{ status: number; headers?: Record<string, string> }>,
  use: (url: string, calls: Call[]) => Promise<void>,
  stored: ReadonlySet<string> = new Set(),
): Promise<void> {
  const calls: Call[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { events } = JSON.parse(Buffer.concat(chunks).toString()) as { events: Array<{ eventId: string }> };
      calls.push({ headers: request.headers, eventIds: events.map((e) => e.eventId) });
      const answer = answers[calls.length - 1] ?? { status: 202 };
      const results = events.map((e, index) => ({ index, eventId: e.eventId, status: stored.has(e.eventId) ? 'duplicate' : 'appended' }));
      const body = answer.status === 202 ? { accepted: events.length, rejected: 0, results } : {};
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const events = (n: number): JourneyEvent[] => Array.from({ length: n }, (_, i) => ({ eventId: `e-${i}` }) as unknown as JourneyEvent);

describe('seeding a running engine over HTTP', () => {
  it('sends the key as a bearer token, in calls of at most 1,000 events, in order', async () => {
    await withEngine([], async (url, calls) => {
      await httpSink(url, 'jrn_ingest_key').write(events(2500));
      expect(calls.map((call) => call.eventIds.length)).toEqual([1000, 1000, 500]);
      expect(calls.flatMap((call) => call.eventIds)).toEqual(events(2500).map((e) => e.eventId));
      expect(calls.every((call) => call.headers.authorization === 'Bearer jrn_ingest_key')).toBe(true);
    });
  });

  it('counts the events appended and those the engine had stored before, from its result per event', async () => {
    await withEngine(
      [],
      async (url) => {
        expect(await httpSink(url, 'k').write(events(1500))).toEqual({ appended: 1300, alreadyStored: 200 });
      },
      new Set(events(200).map((e) => e.eventId)),
    );
  });

  it('sends a call again after a 429 or a 503, waiting as Retry-After says (or a growing pause)', async () => {
    await withEngine([{ status: 429, headers: { 'retry-after': '2' } }, { status: 503 }], async (url, calls) => {
      const waits: number[] = [];
      await httpSink(url, 'k', (ms) => (waits.push(ms), Promise.resolve())).write(events(3));
      expect(waits).toEqual([2000, 1000]);
      expect(calls).toHaveLength(3);
    });
  });

  it("gives up on any other answer, with the engine's status", async () => {
    await withEngine([{ status: 401 }], async (url, calls) => {
      await expect(httpSink(url, 'revoked').write(events(3))).rejects.toEqual(expect.objectContaining({ type: 'engine-refused', status: 401 }));
      expect(calls).toHaveLength(1);
    });
  });
});
