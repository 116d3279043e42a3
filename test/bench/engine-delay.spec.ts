import { quantileBetween } from './engine-delay';

describe('quantileBetween', () => {
  const before = new Map([
    [0.1, 10],
    [0.2, 10],
    [0.5, 10],
    [Number.POSITIVE_INFINITY, 10],
  ]);
  // 100 more counted: 50 up to 0.1 s, 40 in (0.1, 0.2], 8 in (0.2, 0.5], 2 above.
  const after = new Map([
    [0.1, 60],
    [0.2, 100],
    [0.5, 108],
    [Number.POSITIVE_INFINITY, 110],
  ]);

  it('counts only what came between the readings, interpolating within a bucket', () => {
    expect(quantileBetween(before, after, 0.5)).toBeCloseTo(0.1, 10);
    expect(quantileBetween(before, after, 0.7)).toBeCloseTo(0.15, 10);
    expect(quantileBetween(before, after, 0.94)).toBeCloseTo(0.35, 10);
  });

  it('gives the highest finite bound for a rank in the last bucket, and nothing for no counts', () => {
    expect(quantileBetween(before, after, 0.99)).toBe(0.5);
    expect(quantileBetween(after, after, 0.5)).toBeUndefined();
  });
});
