import { modelInput, type ModelInput } from './score';

export const WEEK_MS = 7 * 86_400_000;
/** The weeks over which the shop's recent pace (new customers, the naive baseline) is averaged. */
export const PACE_WEEKS = 13;

/** One order: its instant (ms) and its value in minor units of the base currency (undefined: not convertible). */
export interface PurchasePoint {
  readonly at: number;
  readonly value: number | undefined;
}

export interface CustomerPurchases {
  readonly orders: number;
  readonly firstPurchaseAt: number;
  readonly lastPurchaseAt: number;
  /** The kept orders, oldest first: all of them, or the latest ones when `orders` is larger. */
  readonly purchases: readonly PurchasePoint[];
}

/**
 * Reads each buyer once and keeps what the fit, the forecast and its backtest need: the model
 * input as of now and as of the backtest's cutoff, the holdout's actual weekly orders and
 * revenue, first purchases over the recent weeks (the new-customer pace), and the orders of the
 * weeks before the cutoff (the naive baseline).
 */
export class HistoryTally {
  readonly actualOrders: Float64Array;
  readonly actualRevenue: Float64Array;
  newBeforeCutoff = 0;
  newBeforeNow = 0;
  naiveOrders = 0;
  naiveRevenue = 0;
  private valueSum = 0;
  private valueCount = 0;

  constructor(
    readonly now: number,
    /** Weeks held out for the backtest (0: none); the cutoff is that many weeks before now. */
    readonly holdoutWeeks: number,
  ) {
    this.actualOrders = new Float64Array(holdoutWeeks);
    this.actualRevenue = new Float64Array(holdoutWeeks);
  }

  get cutoff(): number {
    return this.now - this.holdoutWeeks * WEEK_MS;
  }

  /** The shop's mean order value over every kept order. */
  get meanOrderValue(): number {
    return this.valueCount > 0 ? this.valueSum / this.valueCount : 0;
  }

  add(customer: CustomerPurchases): { readonly now: ModelInput; readonly calibration: ModelInput | undefined } {
    const { purchases, orders, firstPurchaseAt } = customer;
    const complete = purchases.length === orders;
    const cutoff = this.cutoff;
    let repeatSum = 0;
    let repeatCount = 0;
    let calibSum = 0;
    let calibCount = 0;
    let keptAfterCutoff = 0;
    let lastBeforeCutoff = firstPurchaseAt;
    purchases.forEach(({ at, value }, i) => {
      if (value !== undefined) {
        this.valueSum += value;
        this.valueCount++;
      }
      const repeat = !complete || i > 0;
      if (repeat && value !== undefined) {
        repeatSum += value;
        repeatCount++;
      }
      if (at >= cutoff) {
        keptAfterCutoff++;
        const week = Math.floor((at - cutoff) / WEEK_MS);
        if (week >= 0 && week < this.holdoutWeeks) {
          this.actualOrders[week] = this.actualOrders[week]! + 1;
          this.actualRevenue[week] = this.actualRevenue[week]! + (value ?? 0);
        }
        return;
      }
      lastBeforeCutoff = Math.max(lastBeforeCutoff, at);
      if (repeat && value !== undefined) {
        calibSum += value;
        calibCount++;
      }
      if (at >= cutoff - PACE_WEEKS * WEEK_MS) {
        this.naiveOrders++;
        this.naiveRevenue += value ?? 0;
      }
    });
    if (firstPurchaseAt >= this.now - PACE_WEEKS * WEEK_MS) this.newBeforeNow++;
    if (firstPurchaseAt < cutoff && firstPurchaseAt >= cutoff - PACE_WEEKS * WEEK_MS) this.newBeforeCutoff++;
    const now = modelInput(
      { orders, firstPurchaseAt, lastPurchaseAt: Math.min(this.now, customer.lastPurchaseAt), repeatMeanValue: repeatCount > 0 ? repeatSum / repeatCount : 0 },
      this.now,
    );
    const calibration =
      this.holdoutWeeks > 0 && firstPurchaseAt < cutoff
        ? modelInput(
            { orders: orders - keptAfterCutoff, firstPurchaseAt, lastPurchaseAt: lastBeforeCutoff, repeatMeanValue: calibCount > 0 ? calibSum / calibCount : 0 },
            cutoff,
          )
        : undefined;
    return { now, calibration };
  }
}
