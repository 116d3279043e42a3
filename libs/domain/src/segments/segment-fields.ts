import type { Customer360 } from '../customer-360';

/** The value of a segment field in the 360 (undefined when the field is unknown or unset). */
export function fieldValue(customer: Customer360, field: string): unknown {
  return fieldReader(field)(customer);
}

export type FieldReader = (customer: Customer360) => unknown;

/** Readers of the fields conditions name, made once per field (a keyed field's key is split once). */
const readers = new Map<string, FieldReader>();

/** How to read a segment field from the 360: the one place that maps a field's name to the state. */
export function fieldReader(field: string): FieldReader {
  let reader = readers.get(field);
  if (!reader) {
    reader = makeReader(field);
    readers.set(field, reader);
  }
  return reader;
}

function makeReader(field: string): FieldReader {
  const dot = field.indexOf('.');
  if (dot > 0) {
    const key = field.slice(dot + 1);
    switch (field.slice(0, dot)) {
      case 'netRevenue':
        return (customer) => (customer.revenue[key] ?? 0) - (customer.refunds[key] ?? 0);
      case 'consent':
        return (customer) => customer.consent[key]?.granted ?? false;
      case 'score':
        return (customer) => customer.scores[key];
      default:
        return () => undefined;
    }
  }
  switch (field) {
    case 'stage':
      return (customer) => customer.lifecycle.stage;
    case 'tier':
      return (customer) => customer.tier;
    case 'rfmSegment':
      return (customer) => customer.segment;
    case 'country':
      return (customer) => customer.profile.country ?? null;
    case 'city':
      return (customer) => customer.profile.city ?? null;
    case 'orders':
      return (customer) => customer.orders;
    case 'openTickets':
      return (customer) => customer.openTickets.length;
    case 'topCategories':
      return (customer) => Object.keys(customer.categories);
    case 'nps':
      return (customer) => customer.nps;
    case 'lastPurchaseAt':
      return (customer) => customer.lastPurchaseAt;
    case 'firstPurchaseAt':
      return (customer) => customer.firstPurchaseAt;
    case 'lastActivityAt':
      return (customer) => customer.lastActivityAt;
    case 'lastEngagementAt':
      return (customer) => customer.lastEngagementAt;
    case 'registeredAt':
      return (customer) => customer.registeredAt;
    default:
      return () => undefined;
  }
}
