import type { LifecycleStage } from '@journey/contracts';
import { advanceTo, DEFAULT_LIFECYCLE, medianGapDays, NEW_LIFECYCLE, nextReviewAt, onChurnRisk, onPurchase, type LifecycleState, type LifecycleThresholds, type StageTransition } from './lifecycle';

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

  it('a purchase arriving late, dated before the customer went at risk or churned, reactivates nothing', () => {
    const atRisk = run([0, 10], 75);
    expect(atRisk.path.at(-1)).toEqual(['repeat', 'at_risk', 70]);
    const late = onPurchase(atRisk.state, day(5), 'e-late', DEFAULT_LIFECYCLE);
    expect(late.transitions).toEqual([]);
    expect(late.state).toMatchObject({ stage: 'at_risk', since: day(70), purchases: [day(0), day(5), day(10)] });
    expect(onPurchase(late.state, day(80), 'e-next', DEFAULT_LIFECYCLE).transitions.map((t) => [t.from, t.to, (t.at - t0) / DAY])).toEqual([['at_risk', 'reactivated', 80]]);

    const churned = run([0, 10], 300);
    expect(onPurchase(churned.state, day(100), 'e-late', DEFAULT_LIFECYCLE).state).toMatchObject({ stage: 'churned', since: day(190) });
  });

  it('a purchase arriving late, dated before the reactivation, is not the next purchase after it', () => {
    const reactivated = run([0, 10, 400]).state;
    const late = onPurchase(reactivated, day(5), 'e-late', DEFAULT_LIFECYCLE);
    expect(late.transitions).toEqual([]);
    expect(late.state.stage).toBe('reactivated');
    expect(onPurchase(late.state, day(410), 'e-next', DEFAULT_LIFECYCLE).transitions.map((t) => [t.from, t.to, (t.at - t0) / DAY])).toEqual([['reactivated', 'repeat', 410]]);
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

describe('lifecycle stage with at risk from the churn model', () => {
  const MODEL: LifecycleThresholds = { ...DEFAULT_LIFECYCLE, atRiskFrom: 'model' };
  const bought = (days: number[], t: LifecycleThresholds): LifecycleState =>
    days.reduce((state, d, i) => onPurchase(state, day(d), `e-${i}`, t).state, NEW_LIFECYCLE);

  it('goes at risk when the band turns high, caused by the band event, and names the model', () => {
    const result = onChurnRisk(bought([0, 10, 20], MODEL), { band: 'high', pAlive: 0.123 }, day(40), 'risk-1', MODEL);
    expect(result.transitions).toEqual([{ from: 'repeat', to: 'at_risk', at: day(40), reason: 'churn model: risk band high (P(alive) 0.12)', causedBy: 'risk-1' }]);
    expect(result.state).toMatchObject({ stage: 'at_risk', since: day(40), asOf: day(40) });
  });

  it('never goes at risk from days alone, yet churns after churnDays', () => {
    const state = bought([0, 10, 20], MODEL);
    expect(nextReviewAt(state, MODEL)).toBe(day(200));
    const path = advanceTo(state, day(300), MODEL).transitions.map((t) => [t.from, t.to, Math.round((t.at - t0) / DAY)]);
    expect(path).toEqual([['repeat', 'churned', 200]]);
  });

  it('still ends loyalty by the window', () => {
    const state = bought([0, 200, 210, 220, 230], MODEL);
    expect(state.stage).toBe('loyal');
    expect(advanceTo(state, day(420), MODEL).transitions.map((t) => [t.to, Math.round((t.at - t0) / DAY)])).toEqual([
      ['repeat', 365],
      ['churned', 410],
    ]);
  });

  it('reactivates on the next purchase, and churns from at risk after churnDays without one', () => {
    const atRisk = onChurnRisk(bought([0, 10], MODEL), { band: 'high', pAlive: 0.1 }, day(30), 'risk-1', MODEL).state;
    expect(onPurchase(atRisk, day(50), 'e-9', MODEL).transitions).toEqual([
      { from: 'at_risk', to: 'reactivated', at: day(50), reason: 'purchase after being at risk', causedBy: 'e-9' },
    ]);
    expect(advanceTo(atRisk, day(400), MODEL).transitions.map((t) => [t.to, Math.round((t.at - t0) / DAY)])).toEqual([['churned', 190]]);
  });

  it('moves nothing for a low or medium band, a band falling back, or a customer without purchases', () => {
    const repeat = bought([0, 10], MODEL);
    expect(onChurnRisk(repeat, { band: 'medium', pAlive: 0.5 }, day(30), 'r', MODEL).transitions).toEqual([]);
    expect(onChurnRisk(repeat, { band: 'low', pAlive: 0.9 }, day(30), 'r', MODEL).transitions).toEqual([]);
    const atRisk = onChurnRisk(repeat, { band: 'high', pAlive: 0.1 }, day(30), 'r', MODEL).state;
    expect(onChurnRisk(atRisk, { band: 'low', pAlive: 0.9 }, day(40), 'r', MODEL).state.stage).toBe('at_risk');
    expect(onChurnRisk(NEW_LIFECYCLE, { band: 'high', pAlive: 0.1 }, day(30), 'r', MODEL).state.stage).toBe('prospect');
  });

  it('lets a churned customer stay churned, and ignores a score older than the last purchase', () => {
    const churned = advanceTo(bought([0], MODEL), day(200), MODEL).state;
    expect(onChurnRisk(churned, { band: 'high', pAlive: 0.01 }, day(210), 'r', MODEL).transitions).toEqual([]);
    expect(onChurnRisk(bought([0, 10, 40], MODEL), { band: 'high', pAlive: 0.1 }, day(30), 'r', MODEL).transitions).toEqual([]);
  });

  it('ignores the model when at risk comes from days', () => {
    const state = bought([0, 10, 20], DEFAULT_LIFECYCLE);
    const result = onChurnRisk(state, { band: 'high', pAlive: 0.05 }, day(40), 'r', DEFAULT_LIFECYCLE);
    expect(result.transitions).toEqual([]);
    expect(nextReviewAt(result.state, DEFAULT_LIFECYCLE)).toBe(day(80));
  });
});
