import { belowHorizon } from './commit-order';

const row = (id: number, below: boolean) => ({ id, below_horizon: below });

describe('belowHorizon', () => {
  it('returns the page as read when every row is below the horizon', async () => {
    let reads = 0;
    const page = await belowHorizon(() => (reads++, Promise.resolve([row(1, true), row(2, true)])));
    expect(page.map((r) => r.id)).toEqual([1, 2]);
    expect(reads).toBe(1);
  });

  it('reads again while committed rows wait above the horizon, and lists them once it passes', async () => {
    const pages = [[row(1, true), row(2, false)], [row(1, true), row(2, false)], [row(1, true), row(2, true)]];
    let reads = 0;
    const page = await belowHorizon(() => Promise.resolve(pages[reads++]!), 1000, 1);
    expect(page.map((r) => r.id)).toEqual([1, 2]);
    expect(reads).toBe(3);
  });

  it('after the wait, lists only the rows before the first one above the horizon', async () => {
    const page = await belowHorizon(() => Promise.resolve([row(1, true), row(2, false), row(3, false)]), 30, 5);
    expect(page.map((r) => r.id)).toEqual([1]);
  });
});
