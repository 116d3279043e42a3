import { LIFECYCLE_STAGES, RFM_SEGMENTS, VALUE_TIERS } from '@journey/contracts';
import { baseFactors, type CurrencyRates } from '@journey/domain';
import { DATE_OR_INSTANT_REASON, parseInstant, RequestRejectedError, type FieldProblem } from '@journey/platform';

/** The filters marketing lists and exports customers by (every one optional, all must hold). */
export interface CustomerFilter {
  readonly stage?: readonly string[];
  readonly tier?: readonly string[];
  readonly segment?: readonly string[];
  readonly country?: string;
  readonly city?: string;
  /** The e-mail of the profile, matched without regard to case. */
  readonly email?: string;
  readonly lastPurchaseBefore?: string;
  readonly lastPurchaseAfter?: string;
  /** Net revenue in the base currency, minor units. */
  readonly minRevenue?: number;
  /** `channel:purpose` whose consent is granted, e.g. `email:marketing`. */
  readonly consent?: string;
  readonly openTicket?: boolean;
}

export const FILTER_PARAMS = ['stage', 'tier', 'segment', 'country', 'city', 'email', 'lastPurchaseBefore', 'lastPurchaseAfter', 'minRevenue', 'consent', 'openTicket'] as const;

type Query = Readonly<Record<string, unknown>>;

/** Reads and checks the filters of a query string; unknown parameters are refused with the rest. */
export function parseFilter(query: Query, allowed: readonly string[] = []): CustomerFilter {
  const errors: FieldProblem[] = [];
  const known = new Set<string>([...FILTER_PARAMS, ...allowed]);
  for (const name of Object.keys(query)) if (!known.has(name)) errors.push({ field: name, reason: `is not a filter (filters: ${FILTER_PARAMS.join(', ')})` });
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      errors.push({ field: name, reason: 'must be given once, 1 to 200 characters' });
      return undefined;
    }
    return value;
  };
  const list = (name: string, values: readonly string[]): string[] | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const parts = raw.split(',');
    const bad = parts.filter((part) => !values.includes(part));
    if (bad.length > 0) errors.push({ field: name, reason: `must be one or more (comma-separated) of ${values.join(', ')}; got ${bad.join(', ')}` });
    // A value named twice is one value: the page query reads each value once, in its own branch.
    return [...new Set(parts)];
  };
  const instant = (name: string): string | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const parsed = parseInstant(raw, 'dates');
    if (!parsed) errors.push({ field: name, reason: DATE_OR_INSTANT_REASON });
    return parsed?.toISOString();
  };
  const minRevenueRaw = text('minRevenue');
  let minRevenue: number | undefined;
  if (minRevenueRaw !== undefined) {
    minRevenue = Number(minRevenueRaw);
    if (!/^\d+$/.test(minRevenueRaw) || !Number.isSafeInteger(minRevenue)) errors.push({ field: 'minRevenue', reason: 'must be a non-negative integer amount in minor units of the base currency' });
  }
  const consent = text('consent');
  if (consent !== undefined && !/^[a-z_]+:[a-z_]+$/.test(consent)) errors.push({ field: 'consent', reason: 'must look like channel:purpose, e.g. email:marketing' });
  const openTicketRaw = text('openTicket');
  if (openTicketRaw !== undefined && openTicketRaw !== 'true' && openTicketRaw !== 'false') errors.push({ field: 'openTicket', reason: 'must be true or false' });
  const country = text('country');
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) errors.push({ field: 'country', reason: 'must be an ISO 3166-1 alpha-2 code, e.g. DE' });
  const filter: CustomerFilter = {
    stage: list('stage', LIFECYCLE_STAGES),
    tier: list('tier', VALUE_TIERS),
    segment: list('segment', RFM_SEGMENTS),
    country,
    city: text('city'),
    email: text('email'),
    lastPurchaseBefore: instant('lastPurchaseBefore'),
    lastPurchaseAfter: instant('lastPurchaseAfter'),
    minRevenue,
    consent,
    openTicket: openTicketRaw === undefined ? undefined : openTicketRaw === 'true',
  };
  if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid filter', errors);
  return filter;
}

/**
 * The filter as SQL over journey.customer_360 (alias c), its parameters numbered from `first`.
 * Net revenue is converted with the configured rates as the 360 converts it (`netInBase`);
 * currencies without a rate are left out, as the 360 counts them apart.
 */
export function filterSql(filter: CustomerFilter, rates: CurrencyRates, first = 1): { where: string; params: unknown[] } {
  const clauses: string[] = ['NOT c.forgotten'];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  // One value compares with =, so that the (column, customer_id) indexes serve the keyset order.
  const oneOf = (column: string, values: readonly string[]) =>
    clauses.push(values.length === 1 ? `c.${column} = ${param(values[0])}` : `c.${column} = ANY(${param(values)}::text[])`);
  if (filter.stage) oneOf('stage', filter.stage);
  if (filter.tier) oneOf('tier', filter.tier);
  if (filter.segment) oneOf('segment', filter.segment);
  if (filter.country) clauses.push(`c.country = ${param(filter.country)}`);
  if (filter.email) clauses.push(`lower(c.profile->>'email') = lower(${param(filter.email)})`);
  if (filter.city) clauses.push(`lower(c.profile->>'city') = lower(${param(filter.city)})`);
  if (filter.lastPurchaseBefore) clauses.push(`c.last_purchase_at < ${param(filter.lastPurchaseBefore)}::timestamptz`);
  if (filter.lastPurchaseAfter) clauses.push(`c.last_purchase_at >= ${param(filter.lastPurchaseAfter)}::timestamptz`);
  if (filter.consent) clauses.push(`(c.consent->${param(filter.consent)}->>'granted')::boolean IS TRUE`);
  if (filter.openTicket !== undefined) clauses.push(`jsonb_array_length(c.open_tickets) ${filter.openTicket ? '>' : '='} 0`);
  if (filter.minRevenue !== undefined) {
    // Each amount converted and rounded on its own, as the list and the 360 convert it (netInBase).
    const table = param(JSON.stringify(baseFactors(rates)));
    const sum = (column: string) => `(SELECT coalesce(sum(round(v.value::numeric * r.value::numeric)), 0) FROM jsonb_each_text(c.${column}) v JOIN json_each_text(${table}::json) r ON r.key = v.key)`;
    clauses.push(`${sum('revenue')} - ${sum('refunds')} >= ${param(filter.minRevenue)}`);
  }
  return { where: clauses.join(' AND '), params };
}
