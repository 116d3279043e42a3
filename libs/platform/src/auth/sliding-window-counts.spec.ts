import { SlidingWindowCounts } from './sliding-window-counts';

describe('SlidingWindowCounts', () => {
  let now: number;
  let counts: SlidingWindowCounts;
  const at = (ms: number) => {
    now = ms;
  };

  beforeEach(() => {
    now = 0;
    counts = new SlidingWindowCounts(() => now);
  });

  it('counts a key up to its limit, then blocks it for the block duration and starts afresh', () => {
    expect([1, 2, 3].map(() => counts.count('k', 1000, 3, 5000).isBlocked)).toEqual([false, false, false]);
    at(200);
    expect(counts.count('k', 1000, 3, 5000)).toEqual({ totalHits: 4, timeToExpire: 1, isBlocked: true, timeToBlockExpire: 5 });
    // Blocked requests are not counted, and the block outlasts the window.
    at(3000);
    expect(counts.count('k', 1000, 3, 5000)).toMatchObject({ isBlocked: true, timeToBlockExpire: 3 });
    at(5200);
    expect(counts.count('k', 1000, 3, 5000)).toEqual({ totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('lets each request leave the window on its own, not the whole window at once', () => {
    counts.count('k', 1000, 3, 1000);
    at(400);
    counts.count('k', 1000, 3, 1000);
    at(800);
    counts.count('k', 1000, 3, 1000);
    // The first request is 1,000 ms old: it no longer counts, the two others still do.
    at(1000);
    expect(counts.count('k', 1000, 3, 1000)).toMatchObject({ totalHits: 3, isBlocked: false });
    at(1399);
    expect(counts.count('k', 1000, 3, 1000)).toMatchObject({ totalHits: 4, isBlocked: true });
  });

  it('without a block, refuses only while the window is full, without counting what it refuses', () => {
    counts.count('k', 1000, 2, 0);
    at(600);
    counts.count('k', 1000, 2, 0);
    at(700);
    expect(counts.count('k', 1000, 2, 0)).toEqual({ totalHits: 3, timeToExpire: 1, isBlocked: true, timeToBlockExpire: 1 });
    expect(counts.count('k', 1000, 2, 0).isBlocked).toBe(true);
    // The first request leaves at 1,000 ms: one more fits, the refused ones took no room.
    at(1000);
    expect(counts.count('k', 1000, 2, 0)).toMatchObject({ totalHits: 2, isBlocked: false });
  });

  it('reports when the oldest request counted leaves the window, in whole seconds', () => {
    counts.count('k', 60_000, 10, 60_000);
    at(30_500);
    expect(counts.count('k', 60_000, 10, 60_000)).toMatchObject({ totalHits: 2, timeToExpire: 30 });
  });

  it('counts each key on its own', () => {
    counts.count('a', 1000, 1, 1000);
    expect(counts.count('a', 1000, 1, 1000).isBlocked).toBe(true);
    expect(counts.count('b', 1000, 1, 1000).isBlocked).toBe(false);
  });

  it('keeps counting right over many windows of a high limit', () => {
    // 20,000 a second offered at 25,000 a second for 4 s: each second admits what left it.
    let admitted = 0;
    for (let i = 0; i < 100_000; i++) {
      at(i * 0.04);
      if (!counts.count('k', 1000, 20_000, 0).isBlocked) admitted++;
    }
    expect(admitted).toBe(80_000);
  });

  it('forgets keys idle for a whole window, but not a blocked one', () => {
    counts.count('idle', 1000, 5, 1000);
    counts.count('blocked', 1000, 0, 10_000);
    at(1000);
    counts.sweep();
    expect(counts.size).toBe(1);
    at(10_000);
    counts.sweep();
    expect(counts.size).toBe(0);
  });
});
