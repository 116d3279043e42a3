import { fairShare, planLeases } from './fair-share';

describe('fair share of partitions', () => {
  it('splits P partitions so that the shares add up to P and differ by at most one', () => {
    for (const members of [1, 2, 3, 5, 7, 16, 20]) {
      const shares = Array.from({ length: members }, (_, rank) => fairShare(16, members, rank));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(16);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
  });

  it('gives a member that is not (yet) among the live ones nothing', () => {
    expect(fairShare(16, 2, 2)).toBe(0);
    expect(fairShare(16, 0, 0)).toBe(0);
  });

  it('gives back the excess when another process joins, and takes up to the share otherwise', () => {
    expect(planLeases([0, 1, 2, 3], 2)).toEqual({ release: [3, 2], take: 0 });
    expect(planLeases([4], 3)).toEqual({ release: [], take: 2 });
    expect(planLeases([1, 2], 2)).toEqual({ release: [], take: 0 });
  });
});
