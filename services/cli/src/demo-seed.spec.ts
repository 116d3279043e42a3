import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoUntil } from './demo-seed';

describe("the demo data set's history", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'journey-demo-seed-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("ends at the start of the first run's day, and there again on a later day", () => {
    expect(demoUntil(dataDir, new Date('2026-03-02T09:00:00Z'))).toEqual(new Date('2026-03-02T00:00:00Z'));
    expect(demoUntil(dataDir, new Date('2026-03-05T18:00:00Z'))).toEqual(new Date('2026-03-02T00:00:00Z'));
  });
});
