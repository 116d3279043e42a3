import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'journey-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('seeds the embedded engine, lets projections and rules run, and prints the summary', async () => {
    const cli = join(__dirname, '..', '..', 'dist', 'services', 'cli', 'src', 'main.js');
    const { stdout } = await run(process.execPath, [cli, 'demo', '--customers', '60', '--data-dir', dataDir, '--port', '0', '--exit'], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' },
      timeout: 540_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/^ {3}[1-9][\d,]* events appended, 0 already stored, in /m);
    expect(stdout).toMatch(/Lifecycle funnel/);
    const stage = (name: string) => Number(new RegExp(`^  ${name}\\s+(\\d+)$`, 'm').exec(stdout)?.[1]);
    // The 20 live customers bought once: first-time buyers on top of the generated ones.
    expect(stage('first_time')).toBeGreaterThanOrEqual(20);
    expect(['prospect', 'repeat', 'loyal', 'at_risk', 'churned', 'reactivated'].map(stage).every(Number.isInteger)).toBe(true);
    expect(stdout).toMatch(/^ {2}high\s+\d+$/m);
    // Welcome for the new buyers (some held out; held, not sent, during the rule's quiet hours in
    // the customer's time zone), escalations for the high-tier tickets (no quiet hours: sent now).
    const counts = (rule: string) => {
      const match = new RegExp(`^  ${rule}\\s+matched\\s+\\d+\\s+waiting\\s+(\\d+)\\s+dispatched\\s+(\\d+)`, 'm').exec(stdout);
      return { waiting: Number(match?.[1]), dispatched: Number(match?.[2]) };
    };
    const dispatched = (rule: string) => counts(rule).dispatched;
    // Every match is in exactly one outcome: the columns add up to what was matched.
    for (const line of stdout.split('\n').filter((l) => /^ {2}\S+\s+matched\s+\d+/.test(l))) {
      const numbers = [...line.matchAll(/(?:matched|waiting|dispatched|pending|failed|cancelled|suppressed \w+)\s+(\d+)/g)].map((m) => Number(m[1]));
      expect(numbers.slice(1).reduce((sum, n) => sum + n, 0)).toBe(numbers[0]);
    }
    expect(dispatched('welcome') + counts('welcome').waiting).toBeGreaterThan(10);
    expect(dispatched('vip-ticket-escalation')).toBeGreaterThan(0);
    expect(Number(/webhooks received by the demo's receiver: (\d+)/.exec(stdout)?.[1])).toBe(dispatched('welcome') + dispatched('vip-ticket-escalation'));
    expect(stdout).toMatch(/One customer's 360 \(\/v1\/customers\/[^)]+\)/);
    expect(stdout).toMatch(/export KEY=jrn_/);
  }, 600_000);
});
