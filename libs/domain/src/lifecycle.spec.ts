import type { LifecycleStage } from '@journey/contracts';
import { advanceTo, DEFAULT_LIFECYCLE, medianGapDays, NEW_LIFECYCLE, nextReviewAt, onPurchase, type LifecycleState, type StageTransition } from './lifecycle';

const DAY = 86_400_000;
const t0 = Date.parse('2025-01-01T00:00:00Z');
const day = (d: number) => t0 + d * DAY;

/** Purchases on the given days, then time passing to `until`; every transition on the way. */
function run(purchaseDays: number[], until?: number): { state: LifecycleState; path: Array<[LifecycleStage, LifecycleStage, number]> } {
  let state = NEW_LIFECYCLE;
  const transitions: StageTransition[] = [];
  purchaseDays.forEach((d, i) => {
    const result = onPurchase(state, day(d), `e-${i}`, DEFAULT_LIFECYCLE);
    state = result.state;
    transitions.push(...result.transitions);
  });
  if (until !== undefined) {
    const result = advanceTo(state, day(until), DEFAULT_LIFECYCLE);
    state = result.state;
    transitions.push(...result.transitions);
  }
  return { state, path: transitions.map((t) => [t.from, t.to, Math.round((t.at - t0) / DAY)]) };
}

describe('lifecycle stage', () => {
  it('prospect → first_time on the first purchase, caused by its event', () => {
    const result = onPurchase(NEW_LIFECYCLE, day(0), 'e-1', DEFAULT_LIFECYCLE);
    expect(result.transitions).toEqual([{ from: 'prospect', to: 'first_time', at: day(0), reason: 'first purchase', causedBy: 'e-1' }]);
  });

  it('first_time → repeat on the second purchase', () => {
    expect(run([0, 10]).path).toEqual([
      ['prospect', 'first_time', 0],
      ['first_time', 'repeat', 10],
    ]);
  });

  it('repeat → loyal at the fifth order within 365 days', () => {
    expect(run([0, 30, 60, 90, 120]).path.at(-1)).toEqual(['repeat', 'loyal', 120]);
    expect(run([0, 100, 200, 300, 400]).state.stage).toBe('repeat');
  });

  it('at_risk after 60 days without a purchase when orders are frequent', () => {
    expect(run([0, 10, 20], 200).path).toEqual([
      ['prospect', 'first_time', 0],
      ['first_time', 'repeat', 10],
      ['repeat', 'at_risk', 80],
      ['at_risk', 'churned', 200],
    ]);
  });

  it('at_risk after twice the median gap when orders are rare, then churned at 180 days', () => {
    expect(run([0, 45, 90], 300).path.slice(2)).toEqual([
      ['repeat', 'at_risk', 180],
      ['at_risk', 'churned', 270],
    ]);
  });

  it('churned directly when twice the median gap exceeds 180 days', () => {
    // Gaps 55, 100, 150: each below twice the median so far; the median ends at 100.
    expect(run([0, 55, 155, 305], 600).path.slice(2)).toEqual([['repeat', 'churned', 485]]);
  });

  it('a first-time buyer becomes at risk after 60 days', () => {
    expect(run([0], 61).path.at(-1)).toEqual(['first_time', 'at_risk', 60]);
  });

  it('reactivated on a purchase after at_risk or after churned', () => {
    expect(run([0, 10, 100]).path.slice(-2)).toEqual([
      ['repeat', 'at_risk', 70],
      ['at_risk', 'reactivated', 100],
    ]);
    expect(run([0, 10, 400]).path.slice(-2)).toEqual([
      ['at_risk', 'churned', 190],
      ['churned', 'reactivated', 400],
    ]);
  });

  it('after reactivation, the next purchase goes back to the stage the orders earn', () => {
    expect(run([0, 10, 400, 410]).path.at(-1)).toEqual(['reactivated', 'repeat', 410]);
  });

  it('loyal → repeat when the qualifying orders leave the 365-day window, before being at risk', () => {
    expect(run([0, 80, 160, 240, 320], 600).path.slice(-4)).toEqual([
      ['repeat', 'loyal', 320],
      ['loyal', 'repeat', 365],
      ['repeat', 'at_risk', 480],
      ['at_risk', 'churned', 500],
    ]);
  });

  it('does not go back in time, and reviews when the next transition falls due', () => {
    const { state } = run([0, 10, 20]);
    expect(nextReviewAt(state, DEFAULT_LIFECYCLE)).toBe(day(80));
    expect(advanceTo(state, day(5), DEFAULT_LIFECYCLE).transitions).toEqual([]);
    expect(nextReviewAt(run([0], 200).state, DEFAULT_LIFECYCLE)).toBeNull();
    expect(nextReviewAt(NEW_LIFECYCLE, DEFAULT_LIFECYCLE)).toBeNull();
  });

  it('measures the median gap between orders', () => {
    expect(medianGapDays([day(0)])).toBe(0);
    expect(medianGapDays([day(0), day(10), day(40), day(50)])).toBe(10);
    expect(medianGapDays([day(0), day(10), day(40)])).toBe(20);
  });
});
