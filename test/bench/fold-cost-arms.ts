import type { Customer360 } from '@journey/domain';
import type { Queryable } from '@journey/database';
import type { UnitOfWork } from '@journey/event-store';
import { fromRow, type CustomerDecider, type SaveMode } from '@journey/projections';

/** One way of writing the 360 that the fold-cost benchmark measures. */
export interface FoldCostArm {
  readonly key: string;
  readonly label: string;
  readonly save: SaveMode;
  /** Whether the saga's second copy of every customer (journey.saga_customers before migration 015) is written too. */
  readonly secondCopy: boolean;
  /** Run on the arm's database before folding (table storage, indexes of the time). */
  readonly setup: string;
}

/**
 * The event history as jsonb, as it was before migration 024. The pass sends it as text: the cast
 * lets the update convert it to jsonb, as the statement that declared it jsonb did.
 */
const HISTORY_JSONB = `ALTER TABLE journey.customer_360 ALTER COLUMN activity DROP DEFAULT;
  ALTER TABLE journey.customer_360 ALTER COLUMN activity TYPE jsonb USING activity::jsonb;
  ALTER TABLE journey.customer_360 ALTER COLUMN activity SET DEFAULT '{}';
  CREATE CAST (text AS jsonb) WITH INOUT AS ASSIGNMENT;`;

/** The schema before the one customer pass: full pages, no birthday index on the 360. */
const BEFORE = `${HISTORY_JSONB} DROP INDEX journey.customer_360_birthday_idx;
  ALTER TABLE journey.customer_360 RESET (fillfactor); ALTER TABLE journey.visitor_activity RESET (fillfactor);
  VACUUM FULL journey.customer_360; VACUUM FULL journey.visitor_activity;`;

const SECOND_COPY_TABLE = `CREATE TABLE journey.bench_saga_customers (customer_id text PRIMARY KEY, state jsonb NOT NULL, birthday text);
  CREATE INDEX bench_saga_customers_birthday_idx ON journey.bench_saga_customers (birthday) WHERE birthday IS NOT NULL;`;

export const ARMS: readonly FoldCostArm[] = [
  {
    key: 'twoCopies',
    label: 'before: two folds (360 row and the saga copy), whole rows, full pages',
    save: 'whole',
    secondCopy: true,
    setup: `${BEFORE} ${SECOND_COPY_TABLE}`,
  },
  { key: 'onePassWhole', label: 'one pass, whole rows, full pages', save: 'whole', secondCopy: false, setup: BEFORE },
  {
    key: 'upgraded',
    label: 'after, upgraded in place: changed columns, fillfactor 75 on new pages only',
    save: 'changed',
    secondCopy: false,
    setup: `${BEFORE} ALTER TABLE journey.customer_360 SET (fillfactor = 75); ALTER TABLE journey.visitor_activity SET (fillfactor = 90);
      CREATE INDEX customer_360_birthday_idx ON journey.customer_360 ((substr(profile->>'birthday', 6, 5))) WHERE profile ? 'birthday';`,
  },
  {
    key: 'historyJsonb',
    label: 'changed columns, fillfactor 75 (pages as a rebuild writes them), event history as jsonb',
    save: 'changed',
    secondCopy: false,
    setup: `${HISTORY_JSONB} VACUUM FULL journey.customer_360; VACUUM FULL journey.visitor_activity;`,
  },
  {
    key: 'after',
    label: 'after: as above, the event history stored as text (migration 024)',
    save: 'changed',
    secondCopy: false,
    setup: 'VACUUM FULL journey.customer_360; VACUUM FULL journey.visitor_activity;',
  },
];

/** Fills the second copy with every customer's state, as the saga kept it. */
export async function fillSecondCopy(db: Queryable): Promise<void> {
  const { rows } = await db.query('SELECT * FROM journey.customer_360');
  const states = rows.map((row) => fromRow(row as Parameters<typeof fromRow>[0]));
  for (let i = 0; i < states.length; i += 2000) await saveSecondCopy(db, states.slice(i, i + 2000));
}

/** The saga's upsert of its copy, as it was. */
async function saveSecondCopy(tx: Queryable, states: readonly Customer360[]): Promise<void> {
  if (states.length === 0) return;
  await tx.query(
    `INSERT INTO journey.bench_saga_customers (customer_id, state, birthday)
     SELECT x.customer_id, x.state, x.birthday FROM json_to_recordset($1::json) AS x(customer_id text, state jsonb, birthday text)
     ON CONFLICT (customer_id) DO UPDATE SET state = EXCLUDED.state, birthday = EXCLUDED.birthday`,
    [JSON.stringify(states.map((state) => ({ customer_id: state.customerId, state, birthday: state.profile.birthday?.slice(5, 10) ?? null })))],
  );
}

/** The saga's second fold, as a decider: the state each batch left, written again whole. */
export const SECOND_COPY: CustomerDecider = {
  name: 'second-copy',
  async begin(unit: UnitOfWork<Queryable>) {
    const last = new Map<string, Customer360>();
    return {
      decide: (_event, customer) => void last.set(customer.customerId, customer),
      flush: () => saveSecondCopy(unit.state, [...last.values()]),
    };
  },
};
