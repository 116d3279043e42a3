import { Pool } from 'pg';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';
import { purchaseEvent } from './bench-support';
import { pipelineLag, readLags } from './engine-lag';

// The customer pass and a second consumer, to show the pipeline's lag is the largest of its consumers'.
const PIPELINE = ['projection:customer_360', 'analytics:orders'];

describe('the pipeline lag of the engine benchmark', () => {
  it('is the largest lag of the named consumers, partitioned names included', () => {
    const lags = new Map([
      ['projection:customer_360:p0', 0.2],
      ['projection:customer_360:p1', 1.5],
      ['analytics:orders', 0.4],
      ['relay:kafka', 9],
    ]);
    expect(pipelineLag(lags, PIPELINE)).toBe(1.5);
  });

  it('is unknown while a consumer has no checkpoint yet', () => {
    expect(pipelineLag(new Map([['analytics:orders', 0]]), PIPELINE)).toBeUndefined();
  });
});

describeWithServer('reading each consumer’s lag against the log', () => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    store = new PostgresEventStore(t.db);
    pool = new Pool({ connectionString: t.url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await store.close();
    await t.drop();
  });

  it('is the age of the oldest event after the checkpoint, and 0 at the head', async () => {
    await store.append('customer-lag-1', [purchaseEvent(1), purchaseEvent(2)]);
    const head = (await pool.query<{ tx_id: string; position: string }>('SELECT tx_id::text, global_position AS position FROM journey.events ORDER BY tx_id DESC, global_position DESC LIMIT 1')).rows[0]!;
    await pool.query(
      `INSERT INTO journey.checkpoints (name, tx_id, position) VALUES ('projection:customer_360', '0', 0), ('analytics:orders', $1::xid8, $2)`,
      [head.tx_id, head.position],
    );

    const behind = await readLags(pool);
    const oldest = (await pool.query<{ age: number }>('SELECT extract(epoch FROM clock_timestamp() - min(recorded_at))::float8 AS age FROM journey.events')).rows[0]!.age;
    expect(behind.get('analytics:orders')).toBe(0);
    expect(behind.get('projection:customer_360')).toBeGreaterThan(0);
    expect(behind.get('projection:customer_360')).toBeLessThanOrEqual(oldest);
    expect(pipelineLag(behind, PIPELINE)).toBe(behind.get('projection:customer_360'));

    await pool.query(`UPDATE journey.checkpoints SET tx_id = $1::xid8, position = $2 WHERE name = 'projection:customer_360'`, [head.tx_id, head.position]);
    expect(pipelineLag(await readLags(pool), PIPELINE)).toBe(0);
  });
});
