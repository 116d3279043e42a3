import type { ActionChannel, SuppressionReason } from '@journey/contracts';
import type { Customer360 } from '../customer-360';
import { localParts } from './conditions';
import type { GlobalCap, Rule } from './rule';

/** An action this customer was sent, or held back from as holdout (`holdout`), as caps count them. */
export interface PastAction {
  readonly ruleId: string;
  readonly channel: ActionChannel;
  readonly at: number;
  readonly holdout?: boolean;
}

export type GateVerdict =
  | { readonly kind: 'dispatch' }
  | { readonly kind: 'hold'; readonly until: number }
  | { readonly kind: 'suppress'; readonly reason: SuppressionReason };

/**
 * Whether a matched rule's action may go to this customer now: consent, the rule's frequency cap,
 * the channel's global cap, holdout, and quiet hours in the customer's time zone (which hold the
 * action until the window ends rather than drop it). In that order: a holdout customer is held
 * back from what a treated one would have been sent, no more (the rule's cap counts the holdout's
 * own actions; the global caps count messages sent), so the two groups compare like with like.
 */
export function gate(rule: Rule, customer: Customer360, past: readonly PastAction[], globalCaps: readonly GlobalCap[], now: number): GateVerdict {
  const barred = barredBy(rule, customer);
  if (barred) return { kind: 'suppress', reason: barred };
  const cap = rule.limits.frequencyCap;
  if (cap && past.filter((a) => a.ruleId === rule.id && a.at > now - cap.perMs).length >= cap.count) {
    return { kind: 'suppress', reason: 'frequency_cap' };
  }
  for (const global of globalCaps) {
    if (global.channel !== rule.action.channel) continue;
    if (past.filter((a) => !a.holdout && a.channel === global.channel && a.at > now - global.perMs).length >= global.count) {
      return { kind: 'suppress', reason: 'global_cap' };
    }
  }
  if (inHoldout(rule.id, customer.customerId, rule.holdoutPercent)) return { kind: 'suppress', reason: 'holdout' };
  const quiet = rule.limits.quietHours;
  if (quiet) {
    const until = quietUntil(now, quiet.start, quiet.end, customer.profile.timezone);
    if (until !== null) return { kind: 'hold', until };
  }
  return { kind: 'dispatch' };
}

/**
 * What the customer no longer lets the rule's action through, whenever it is judged (decided, or
 * about to be sent): being forgotten, or the consent the rule needs not granted.
 */
export function barredBy(rule: Pick<Rule, 'consent'>, customer: Pick<Customer360, 'forgotten' | 'consent'>): 'forgotten' | 'no_consent' | null {
  if (customer.forgotten) return 'forgotten';
  if (rule.consent && customer.consent[`${rule.consent.channel}:${rule.consent.purpose}`]?.granted !== true) return 'no_consent';
  return null;
}

/** Deterministic per customer and rule: the same customer is always in or out of a rule's holdout. */
export function inHoldout(ruleId: string, customerId: string, percent: number): boolean {
  if (percent <= 0) return false;
  return fnv1a(`${ruleId}:${customerId}`) % 100 < percent;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * If `now` falls in the quiet window [start, end) of the time zone, the first instant after it
 * when the window has ended on the customer's wall clock; else null. An end the clocks skip that
 * night (a daylight-saving gap) ends the window when the clocks jump past it.
 */
export function quietUntil(now: number, start: string, end: string, timezone?: string): number | null {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const from = minutes(start);
  const to = minutes(end);
  const local = localParts(now, timezone);
  const nowMinutes = local.hour * 60 + local.minute;
  const inside = from <= to ? nowMinutes >= from && nowMinutes < to : nowMinutes >= from || nowMinutes < to;
  if (!inside) return null;
  // The wall-clock end, written as if it were UTC: today's, or tomorrow's once past midnight's turn.
  const wall = Date.UTC(local.year, local.month - 1, local.day + (nowMinutes >= to ? 1 : 0), 0, to);
  const offset = (at: number) => {
    const parts = localParts(at, timezone);
    return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - (at - (at % 60_000));
  };
  const first = wall - offset(now);
  const second = wall - offset(first);
  if (offset(second) === wall - second) return Math.max(second, nextMinute(now));
  // The end lies in a gap: the window ends at the jump, found between the offsets on either side.
  let before = Math.min(first, second);
  let after = Math.max(first, second);
  const offsetBefore = offset(before);
  while (after - before > 60_000) {
    const middle = before + Math.floor((after - before) / 120_000) * 60_000;
    if (offset(middle) === offsetBefore) before = middle;
    else after = middle;
  }
  return Math.max(after, nextMinute(now));
}

function nextMinute(at: number): number {
  return at - (at % 60_000) + 60_000;
}
