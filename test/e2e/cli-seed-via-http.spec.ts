import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { listen } from '@journey/platform';
import { startEngine, TEST_ADMIN_KEY, type EngineUnderTest } from '../support/engine-app';
import { createTestDatabase, describeWithServer, type TestDatabase } from '../support/test-database';

const CLI = join(__dirname, '..', '..', 'dist', 'services', 'cli', 'src', 'main.js');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describeWithServer('journey seed --via http, to a running engine', () => {
  let t: TestDatabase;
  let engine: EngineUnderTest;
  let url: string;

  /** The built CLI as a client of the engine: no database of its own, only the environment given. */
  const journey = (args: readonly string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      const { JOURNEY_KEY: _key, DATABASE_URL: _database, ...inherited } = process.env;
      execFile(process.execPath, [CLI, 'seed', '--via', 'http', '--url', url, ...args], { env: { ...inherited, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 2);
    engine = await startEngine('postgres', t.url);
    url = (await listen(engine.app, '127.0.0.1', 0)).url;
  });
  afterAll(async () => {
    await engine?.close();
    await t?.drop();
  });

  it('posts the population with the key of --key, or of JOURNEY_KEY, in calls the API takes', async () => {
    const history = ['--seed', '5', '--days', '400', '--until', '2026-06-01T00:00:00Z'];
    const withOption = await journey(['--customers', '30', '--batch', '1000', '--key', TEST_ADMIN_KEY, ...history]);
    expect(withOption).toMatchObject({ code: 0, stdout: expect.stringMatching(/^seeded 30 customers: [1-9][\d,]* events appended, 0 already stored, in /) });
    const appended = /: ([\d,]+) events appended/.exec(withOption.stdout)![1];
    // The same population again, keyed from the environment: every event is a duplicate, none refused.
    const fromEnvironment = await journey(['--customers', '30', ...history], { JOURNEY_KEY: TEST_ADMIN_KEY });
    expect(fromEnvironment).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^seeded 30 customers: 0 events appended, ${appended} already stored, in `)) });
    const stream = await engine.request({ method: 'GET', url: '/v1/streams/customer-c5-1/events' });
    expect(stream.status).toBe(200);
  });

  it('refuses, before posting anything, without a key or with a --batch over the API maximum', async () => {
    expect(await Promise.all([journey(['--customers', '1']), journey(['--customers', '1', '--key', TEST_ADMIN_KEY, '--batch', '1001'])])).toEqual([
      { code: 1, stdout: '', stderr: expect.stringMatching(/^journey: Invalid option: --key is required with --via http: an API key of the ingest role .*JOURNEY_KEY\n$/) },
      { code: 1, stdout: '', stderr: 'journey: Invalid option: --batch must be at most 1000 with --via http (POST /v1/events takes no more), got 1001\n' },
    ]);
  });
});
