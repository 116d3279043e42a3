/**
 * Message DB's side of the peer benchmark: its SQL, as shipped in `@eventide/message-db`, installed
 * into the schema `message_store` of the bench database, and `message_store.write_message` called
 * through pg.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client, Pool } from 'pg';
import { closedLoop, type AppendShape } from './workload';

/**
 * The package's install order (database/install.sh, install-functions.sh, install-indexes.sh,
 * install-views.sh), less the role, the database and the grants to that role: the bench runs as
 * the server's own user in a database of its own.
 */
const INSTALL = [
  'schema/message-store.sql',
  'extensions/pgcrypto.sql',
  'tables/messages.sql',
  'types/message.sql',
  'functions/message-store-version.sql',
  'functions/hash-64.sql',
  'functions/acquire-lock.sql',
  'functions/category.sql',
  'functions/is-category.sql',
  'functions/id.sql',
  'functions/cardinal-id.sql',
  'functions/stream-version.sql',
  'functions/write-message.sql',
  'functions/get-stream-messages.sql',
  'functions/get-category-messages.sql',
  'functions/get-last-stream-message.sql',
  'indexes/messages-id.sql',
  'indexes/messages-stream.sql',
  'indexes/messages-category.sql',
  'views/stream-summary.sql',
  'views/type-summary.sql',
  'views/stream-type-summary.sql',
  'views/type-stream-summary.sql',
  'views/category-type-summary.sql',
  'views/type-category-summary.sql',
];

/** Message DB's functions name its objects unqualified: its role runs with this search path. */
const SEARCH_PATH = '-c search_path=message_store,public';

export function messageDbVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('@eventide/message-db/package.json'), 'utf8')) as { version: string }).version;
}

/** An empty Message DB: the schema dropped and installed again from the package's scripts. */
export async function freshMessageDb(url: string): Promise<void> {
  const database = join(dirname(require.resolve('@eventide/message-db/package.json')), 'database');
  const client = new Client({ connectionString: url, options: SEARCH_PATH });
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    await client.query('DROP SCHEMA IF EXISTS message_store CASCADE');
    for (const file of INSTALL) await client.query(readFileSync(join(database, file), 'utf8'));
  } finally {
    await client.end();
  }
}

/** `write_message` from `shape.callers` callers at once (one event a call), on an empty store. */
export async function messageDbAppend(url: string, shape: AppendShape, seconds: number): Promise<number> {
  if (shape.perCall !== 1) throw new Error('write_message writes one message a call');
  await freshMessageDb(url);
  const pool = new Pool({ connectionString: url, max: 10, options: SEARCH_PATH });
  try {
    return await closedLoop(shape, seconds, async (stream, events) => {
      const event = events[0]!;
      await pool.query('SELECT message_store.write_message($1, $2, $3, $4, $5, $6)', [
        event.eventId,
        stream,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify({ ...event.metadata, occurredAt: event.occurredAt, source: event.source }),
        null,
      ]);
    });
  } finally {
    await pool.end();
  }
}
