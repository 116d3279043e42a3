import type { ChurnBand, LifecycleStage } from '@journey/contracts';

const DAY = 86_400_000;

/** DESIGN §5's thresholds, configurable. */
export interface LifecycleThresholds {
  /** Orders within `loyalWindowDays` that make a customer loyal. */
  readonly loyalOrders: number;
  readonly loyalWindowDays: number;
  /** At risk after max(atRiskMinDays, atRiskGapFactor × median gap between orders) without a purchase. */
  readonly atRiskMinDays: number;
  readonly atRiskGapFactor: number;
  /** Churned after this many days without a purchase. */
  readonly churnDays: number;
  /**
   * What marks a buyer at risk: `days` without a purchase (the rule above), or the churn model's
   * `model` band turning high (a ChurnRiskChanged in the customer's stream); churnDays holds either way.
   */
  readonly atRiskFrom: AtRiskSource;
}

export const AT_RISK_SOURCES = ['days', 'model'] as const;
export type AtRiskSource = (typeof AT_RISK_SOURCES)[number];

export const DEFAULT_LIFECYCLE: LifecycleThresholds = {
  loyalOrders: 5,
  loyalWindowDays: 365,
  atRiskMinDays: 60,
  atRiskGapFactor: 2,
  churnDays: 180,
  atRiskFrom: 'days',
};

/** What the lifecycle needs to know of a customer. Times are ms since the epoch. */
export interface LifecycleState {
  readonly stage: LifecycleStage;
  readonly since: number | null;
  /** Purchase instants, oldest first (the most recent ones; enough for the window and the gaps). */
  readonly purchases: readonly number[];
  /** How far time has been followed: transitions up to here are applied. */
  readonly asOf: number | null;
}

export const NEW_LIFECYCLE: LifecycleState = { stage: 'prospect', since: null, purchases: [], asOf: null };

export interface StageTransition {
  readonly from: LifecycleStage;
  readonly to: LifecycleStage;
  readonly at: number;
  readonly reason: string;
  /** The event that caused it, when an event did (not the passing of time). */
  readonly causedBy?: string;
}

/** How many purchase instants a state keeps: the window and the median gap need no more. */
export const KEPT_PURCHASES = 100;

/** Lets time pass until `at`: at risk, churned, or no longer loyal, as the thresholds say. */
export function advanceTo(state: LifecycleState, at: number, t: LifecycleThresholds): { state: LifecycleState; transitions: StageTransition[] } {
  const transitions: StageTransition[] = [];
  let current = state;
  if (current.asOf !== null && at <= current.asOf) return { state: current, transitions };
  for (;;) {
    const due = nextDue(current, t);
    if (!due || due.at > at) break;
    transitions.push({ from: current.stage, to: due.to, at: due.at, reason: due.reason });
    current = { ...current, stage: due.to, since: due.at, asOf: due.at };
  }
  return { state: { ...current, asOf: at }, transitions };
}

/** A purchase at `at` (after letting time pass until then). */
export function onPurchase(
  state: LifecycleState,
  at: number,
  eventId: string,
  t: LifecycleThresholds,
): { state: LifecycleState; transitions: StageTransition[] } {
  const advanced = advanceTo(state, at, t);
  const transitions = [...advanced.transitions];
  const purchases = [...advanced.state.purchases, at].sort((a, b) => a - b).slice(-KEPT_PURCHASES);
  const before = advanced.state.stage;
  let to: LifecycleStage;
  let reason: string;
  if (isBackDated(advanced.state, at)) {
    to = before;
    reason = 'a purchase dated before the stage began';
  } else if (before === 'at_risk' || before === 'churned') {
    to = 'reactivated';
    reason = `purchase after ${before === 'at_risk' ? 'being at risk' : 'churning'}`;
  } else {
    ({ stage: to, reason } = stageByOrders(purchases, at, t));
  }
  let next: LifecycleState = { ...advanced.state, purchases, asOf: Math.max(advanced.state.asOf ?? at, at) };
  if (to !== before) {
    transitions.push({ from: before, to, at, reason, causedBy: eventId });
    next = { ...next, stage: to, since: at };
  }
  return { state: next, transitions };
}

/**
 * A purchase that arrives late, dated before the current stage began. At risk, churned and
 * reactivated say what the customer did from that instant on (no purchase, or a purchase), which
 * an older purchase does not change: it joins the purchases and moves no stage.
 */
function isBackDated(state: LifecycleState, at: number): boolean {
  const saysWhatFollowed = state.stage === 'at_risk' || state.stage === 'churned' || state.stage === 'reactivated';
  return saysWhatFollowed && state.since !== null && at < state.since;
}

/** What the churn model said of a customer at `at`: the band it moved to and the P(alive) behind it. */
export interface ChurnRiskSignal {
  readonly band: ChurnBand;
  readonly pAlive: number;
}

/**
 * The churn model's band moved at `at` (after letting time pass until then). With
 * `atRiskFrom: 'model'`, a buyer who is not already at risk or churned becomes at risk when the
 * band turns high; leaving at risk stays a purchase's doing (reactivated). A score older than the
 * last purchase judged data the purchase has overtaken, so it moves nothing.
 */
export function onChurnRisk(
  state: LifecycleState,
  signal: ChurnRiskSignal,
  at: number,
  eventId: string,
  t: LifecycleThresholds,
): { state: LifecycleState; transitions: StageTransition[] } {
  const advanced = advanceTo(state, at, t);
  const before = advanced.state.stage;
  const last = advanced.state.purchases[advanced.state.purchases.length - 1];
  const movable = before !== 'prospect' && before !== 'at_risk' && before !== 'churned';
  if (t.atRiskFrom !== 'model' || signal.band !== 'high' || !movable || last === undefined || last > at) return advanced;
  const reason = `churn model: risk band high (P(alive) ${signal.pAlive.toFixed(2)})`;
  return {
    state: { ...advanced.state, stage: 'at_risk', since: at },
    transitions: [...advanced.transitions, { from: before, to: 'at_risk', at, reason, causedBy: eventId }],
  };
}

/** When the next time-caused transition falls due, or null when none can. */
export function nextReviewAt(state: LifecycleState, t: LifecycleThresholds): number | null {
  return nextDue(state, t)?.at ?? null;
}

function stageByOrders(purchases: readonly number[], at: number, t: LifecycleThresholds): { stage: LifecycleStage; reason: string } {
  if (purchases.length === 0) return { stage: 'prospect', reason: 'no purchase' };
  if (purchases.length === 1) return { stage: 'first_time', reason: 'first purchase' };
  const inWindow = purchases.filter((p) => p > at - t.loyalWindowDays * DAY).length;
  if (inWindow >= t.loyalOrders) return { stage: 'loyal', reason: `${inWindow} orders in ${t.loyalWindowDays} days` };
  return { stage: 'repeat', reason: `${purchases.length} orders` };
}

function nextDue(state: LifecycleState, t: LifecycleThresholds): { at: number; to: LifecycleStage; reason: string } | null {
  const last = state.purchases[state.purchases.length - 1];
  if (last === undefined) return null;
  const quiet = (days: number) => `no purchase for ${days} days`;
  if (state.stage === 'churned') return null;
  const churnAt = last + t.churnDays * DAY;
  if (state.stage === 'at_risk') return { at: churnAt, to: 'churned', reason: quiet(t.churnDays) };
  // With the model deciding at risk, time alone only churns.
  const riskDays = Math.max(t.atRiskMinDays, t.atRiskGapFactor * medianGapDays(state.purchases));
  const riskAt = t.atRiskFrom === 'model' ? churnAt : Math.min(last + riskDays * DAY, churnAt);
  if (state.stage === 'loyal') {
    // Loyalty ends when the oldest of the qualifying orders leaves the window.
    const qualifying = state.purchases[state.purchases.length - t.loyalOrders];
    const endsAt = qualifying === undefined ? last : qualifying + t.loyalWindowDays * DAY;
    if (endsAt < riskAt) return { at: endsAt, to: 'repeat', reason: `fewer than ${t.loyalOrders} orders in ${t.loyalWindowDays} days` };
  }
  return { at: riskAt, to: riskAt === churnAt ? 'churned' : 'at_risk', reason: quiet(Math.round((riskAt - last) / DAY)) };
}

/** The median of the gaps between consecutive purchases, in days (0 with fewer than two). */
export function medianGapDays(purchases: readonly number[]): number {
  if (purchases.length < 2) return 0;
  const gaps: number[] = [];
  for (let i = 1; i < purchases.length; i++) gaps.push((purchases[i]! - purchases[i - 1]!) / DAY);
  gaps.sort((a, b) => a - b);
  const middle = gaps.length >> 1;
  return gaps.length % 2 ? gaps[middle]! : (gaps[middle - 1]! + gaps[middle]!) / 2;
}
