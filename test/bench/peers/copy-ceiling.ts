/**
 * The COPY ceiling: `COPY … FROM STDIN` (pg-copy-streams) of 1,000-row batches over two
 * connections into an empty table of the same shape as journey.events — the rows `ceiling()` of
 * bench-support inserts with unnest, in COPY's text format.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ceilingRow, Streams, timedLoops } from '../bench-support';

const COLUMNS = 'stream_id, stream_position, event_id, type, version, data, metadata, source, occurred_at, recorded_at, hash';

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function field(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export async function copyCeiling(url: string, seconds: number): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 2 });
  await pool.query('DROP TABLE IF EXISTS journey.ceiling_copy; CREATE TABLE journey.ceiling_copy (LIKE journey.events INCLUDING ALL)');
  const streams = new Streams();
  let n = 0;
  const clients = await Promise.all([pool.connect(), pool.connect()]);
  try {
    return await timedLoops(2, seconds, async (loop) => {
      const lines = Array.from({ length: 1000 }, () => {
        const r = ceilingRow(streams, n++);
        const values = [r.stream, String(r.position), r.eventId, 'PurchaseCompleted', '1', r.data, r.metadata, 'shop', r.at, r.at, `\\x${r.hash}`];
        return values.map(field).join('\t');
      });
      await pipeline(Readable.from([`${lines.join('\n')}\n`]), clients[loop]!.query(copyFrom(`COPY journey.ceiling_copy (${COLUMNS}) FROM STDIN`)));
      return lines.length;
    });
  } finally {
    for (const client of clients) client.release();
    await pool.query('DROP TABLE journey.ceiling_copy');
    await pool.end();
  }
}
