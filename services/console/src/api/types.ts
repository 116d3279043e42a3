export type Role = 'ingest' | 'marketing' | 'auditor' | 'admin';

export interface Me {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  readonly roles: readonly Role[];
}

export interface Funnel {
  readonly asOf: string;
  readonly stages: Record<string, number>;
  readonly transitions: Array<{ from: string; to: string; customers: number; changes: number }>;
}

export interface ValueGrid {
  readonly tiers: Record<string, number>;
  readonly segments: Record<string, number>;
  readonly grid: Array<{ recency: number; frequency: number; customers: number; averageMonetary: number }>;
  readonly unscored: number;
}

export interface WeeklyReport {
  readonly period: { from: string; to: string };
  readonly sales: Array<{ week: string; currency: string; orders: number; revenue: number; refunds: number }>;
  readonly transitions: Array<{ week: string; from: string; to: string; changes: number }>;
}

export interface RetentionReport {
  readonly cohorts: Array<{ month: string; customers: number; active: number[] }>;
}

export interface RuleView {
  readonly id: string;
  readonly version: number;
  readonly enabled: boolean;
  readonly savedAt: string;
  readonly definition: Record<string, unknown>;
}

export interface RuleResults {
  readonly ruleId: string;
  readonly matched: number;
  readonly suppressed?: Record<string, number>;
  readonly dispatched?: number;
  readonly failed?: number;
  readonly converted?: number;
  readonly holdout?: number;
  readonly holdoutConverted?: number;
  readonly conversionRate?: number | null;
  readonly holdoutConversionRate?: number | null;
  readonly lift?: number | null;
}

export interface ConditionTrace {
  readonly condition: string;
  readonly passed: boolean;
  readonly actual?: unknown;
}

export interface DryRun {
  readonly ruleId: string;
  readonly ruleVersion: number;
  readonly customerId: string;
  readonly event: { eventId: string; type: string; occurredAt: string };
  readonly trigger: { passed: boolean; conditions: ConditionTrace[] };
  readonly conditions: { passed: boolean; conditions: ConditionTrace[] };
  readonly outcome: { kind: string; [field: string]: unknown };
}

export interface Customer360 {
  readonly customerId: string;
  readonly profile: Record<string, unknown>;
  readonly registeredAt: string | null;
  readonly identities: string[];
  readonly commerce: {
    orders: number;
    refunds: number;
    lastPurchaseAt: string | null;
    byCurrency: Record<string, { orders: number; revenue: number; refunds: number }>;
    base: { currency: string; netRevenue: number; averageOrderValue: number };
  };
  readonly lifecycle: { stage: string; since: string | null };
  readonly value: { tier: string | null; segment: string | null };
  readonly forgotten: boolean;
}

export interface TimelineEvent {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly streamId?: string;
  readonly data: unknown;
}

/** A customer's predictions as GET /v1/customers/{id} answers them (CustomerPredictions of libs/domain): money in minor units of `currency`. */
export interface CustomerPredictions {
  readonly fitId: string;
  readonly scoredAt: string;
  readonly pAlive: number;
  readonly churnRisk: number;
  readonly churnBand: string;
  readonly expectedPurchases30d: number;
  readonly expectedPurchases90d: number;
  readonly expectedPurchases365d: number;
  readonly expectedAov: number;
  /** 12-month CLV, discounted. */
  readonly clv: number;
  readonly currency: string;
  readonly recommendations: readonly string[];
}

/** GET /v1/customers/{id}: the 360 with the segments the customer is in, the recent activity, and the predictions (null until first scored). */
export type CustomerDetail = Customer360 & { readonly segments: readonly string[]; readonly recentActivity: TimelineEvent[]; readonly predictions: CustomerPredictions | null };

export interface CustomerPage {
  readonly customers: Array<{ customerId: string; name: string | null; email: string | null; stage: string; tier: string | null; netRevenue: number; currency: string }>;
  readonly next: string | null;
}

export interface AccessEntry {
  readonly id: number;
  readonly at: string;
  readonly keyId: string | null;
  readonly role: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
}
