import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

const CLI = join(__dirname, '..', '..', 'dist', 'services', 'cli', 'src', 'main.js');
const MASTER_KEY = randomBytes(32).toString('base64');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describeWithServer('the journey CLI, through the command and query buses', () => {
  let database: TestDatabase;

  /** The built CLI on this test's database; `masterKey` only when the command handles personal data. */
  const journey = (args: readonly string[], masterKey?: string): Promise<Run> =>
    new Promise((resolve) => {
      const { JOURNEY_MASTER_KEY: _key, LOG_LEVEL: _level, ...inherited } = process.env;
      const env = { ...inherited, DATABASE_URL: database.url, JOURNEY_WEBHOOK_SECRET: 'cli-test-secret', ...(masterKey ? { JOURNEY_MASTER_KEY: masterKey } : {}) };
      execFile(process.execPath, [CLI, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 2);
  }, 60_000);

  afterAll(async () => {
    await database.drop();
  });

  it('creates, lists and revokes keys without a master key: they hold no personal data', async () => {
    const created = await journey(['keys', 'create', '--role', 'auditor', '--name', 'audit desk']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^jrn_\w+_\S+\n$/);
    const id = /created key (\w+) \(auditor, "audit desk"\)/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();

    const listed = await journey(['keys', 'list']);
    expect(listed.stdout).toContain(`${id}\tauditor\taudit desk\tcreated `);

    expect(await journey(['keys', 'revoke', id!])).toMatchObject({ code: 0, stdout: `revoked ${id}\n` });
    expect((await journey(['keys', 'list'])).stdout).toMatch(new RegExp(`${id}\\tauditor\\taudit desk\\tcreated \\S+\\trevoked `));
  }, 300_000);

  it('answers a refusal of a handler, an option or the configuration with one line and a non-zero exit', async () => {
    const refusals = await Promise.all([
      journey(['keys', 'revoke', 'no-such-key']),
      journey(['seed', '--customers', '0']),
      journey(['rules', 'load', '/no/such/rules.json']),
      journey(['projections', 'rebuild', 'orders'], MASTER_KEY),
      // Seeding writes personal data: without the key that seals it, nothing starts.
      journey(['seed', '--customers', '1']),
    ]);
    expect(refusals.map(({ code, stdout, stderr }) => ({ code, stdout, stderr }))).toEqual([
      { code: 1, stdout: '', stderr: 'journey: Key not found: id no key no-such-key\n' },
      { code: 1, stdout: '', stderr: 'journey: Invalid option: --customers must be an integer of at least 1, got 0\n' },
      { code: 1, stdout: '', stderr: 'journey: Invalid rules file: file /no/such/rules.json cannot be read (ENOENT)\n' },
      { code: 1, stdout: '', stderr: 'journey: Projection not found: name is not a projection; they are customer_360, customer_items\n' },
      { code: 1, stdout: '', stderr: expect.stringMatching(/^journey: invalid configuration: JOURNEY_MASTER_KEY is required with DATABASE_URL[^\n]*\n$/) },
    ]);
  }, 300_000);

  it('seeds through the ingest use case, then verifies the chains and folds a customer as of an instant', async () => {
    const seeded = await journey(['seed', '--customers', '3', '--seed', '7', '--until', '2026-06-01T00:00:00Z', '--days', '60'], MASTER_KEY);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/^seeded 3 customers: [1-9][\d,]* events appended, 0 already stored, in .*; the history ends at 2026-06-01T00:00:00.000Z: --until 2026-06-01T00:00:00.000Z repeats it/);
    // The same history again appends nothing, and says so.
    const appended = /: ([\d,]+) events appended/.exec(seeded.stdout)![1];
    const again = await journey(['seed', '--customers', '3', '--seed', '7', '--until', '2026-06-01T00:00:00Z', '--days', '60'], MASTER_KEY);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^seeded 3 customers: 0 events appended, ${appended} already stored, in `));
    // Another history under the same seed (another --until) is refused, naming what repeats the first.
    const moved = await journey(['seed', '--customers', '3', '--seed', '7', '--until', '2026-06-02T00:00:00Z', '--days', '60'], MASTER_KEY);
    expect(moved.code).not.toBe(0);
    expect(moved.stderr).toMatch(/give the --until the first run printed/);

    // Verifying reads sealed text only: no master key.
    const verified = await journey(['verify', 'customer-c7-1', 'customer-c7-2']);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/^customer-c7-1: ok \(\d+ events\)\ncustomer-c7-2: ok \(\d+ events\)\n$/);
    // A stream with no events (a mistyped id) verifies nothing: said so, with a non-zero exit.
    const mistyped = await journey(['verify', 'customer-c7-1', 'customer-c71']);
    expect(mistyped).toMatchObject({ code: 3 });
    expect(mistyped.stdout).toMatch(/^customer-c7-1: ok \(\d+ events\)\ncustomer-c71: no events \(no such stream: check the id[^\n]*\)\n$/);

    const asOf = await journey(['customer', 'as-of', 'c7-1', '2026-06-01T00:00:00Z', '--by', 'occurred'], MASTER_KEY);
    expect(asOf.code).toBe(0);
    const answer = JSON.parse(asOf.stdout) as { customer: { customerId: string; profile?: { email?: string } } };
    expect(answer.customer.customerId).toBe('c7-1');
    // Opened by the vault: the email as it was sent, not its sealed text.
    expect(answer.customer.profile?.email).toMatch(/@example\.com$/);

    expect(await journey(['customer', 'as-of', 'c7-1', '2020-01-01T00:00:00Z', '--by', 'occurred'], MASTER_KEY)).toMatchObject({
      code: 3,
      stdout: 'nothing of customer c7-1 was occurred by 2020-01-01T00:00:00.000Z\n',
    });
  }, 300_000);

  it('creates segments from a file with a backfill and its progress, then lists, shows and exports them', async () => {
    expect((await journey(['projections', 'rebuild'], MASTER_KEY)).code).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'journey-cli-')), 'segments.json');
    writeFileSync(file, JSON.stringify([{ id: 'everyone', name: 'Every customer', conditions: { field: 'stage', op: 'exists' } }]));
    const created = await journey(['segments', 'create', '--file', file], MASTER_KEY);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/^everyone: saved as version 1\n {2}backfill \S+ done: \d+ customers, entered 3, exited 0\n$/);
    expect(created.stderr).toMatch(/\[#{30}\] 100% /);
    expect((await journey(['segments', 'create', '--file', file], MASTER_KEY)).stdout).toBe('everyone: unchanged\n');
    expect((await journey(['segments', 'list'])).stdout).toBe('everyone  v1  3 members  Every customer\n');
    expect((await journey(['segments', 'show', 'everyone'])).stdout).toMatch(/^everyone v1: Every customer\nmembers: 3\n/);
    const members = await journey(['segments', 'members', 'everyone']);
    expect(members.stdout.trim().split('\n')).toHaveLength(4);
    expect(await journey(['segments', 'show', 'nobody'])).toMatchObject({ code: 1, stderr: 'journey: Segment not found: id no segment nobody\n' });
  }, 300_000);
});
