import { validateEvent, type JourneyEvent } from '@journey/contracts';
import { dataset } from './dataset';

const until = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

function events(seed: number, customers: number): JourneyEvent[] {
  return [...dataset({ seed, customers, until }, until).customers()].flatMap((c) => [...c.events]);
}

describe('generated data set', () => {
  const population = [...dataset({ seed: 42, customers: 1200, until }, until).customers()];
  const all = population.flatMap((c) => [...c.events]);
  const purchases = all.filter((e): e is Extract<JourneyEvent, { type: 'PurchaseCompleted' }> => e.type === 'PurchaseCompleted');

  it('is reproduced exactly from its seed, ids included, and differs for another seed', () => {
    expect(events(7, 50)).toEqual(events(7, 50));
    expect(events(8, 50).map((e) => e.eventId)).not.toEqual(events(7, 50).map((e) => e.eventId));
  });

  it('holds only valid events, each at or before the end of the history', () => {
    for (const event of all) {
      const verdict = validateEvent(event, { now: until });
      if (!verdict.ok) throw new Error(`${event.type}: ${JSON.stringify(verdict.errors)}`);
      expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(until.getTime());
    }
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
  });

  it('keeps each customer in time order, registered before acting, visitors linked at sign-up', () => {
    for (const customer of population) {
      const own = customer.events.filter((e) => e.customerId === customer.customerId);
      expect(own[0]!.type).toBe('CustomerRegistered');
      const times = customer.events.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      if (customer.anonymousId) {
        expect(own.some((e) => e.type === 'IdentityLinked' && e.data.anonymousId === customer.anonymousId)).toBe(true);
        expect(customer.events.some((e) => e.anonymousId === customer.anonymousId)).toBe(true);
      }
    }
    const identified = population.filter((c) => c.anonymousId).length / population.length;
    expect(identified).toBeGreaterThan(0.3);
    expect(identified).toBeLessThan(0.5);
  });

  it('has a long tail of frequent buyers and log-normal order values', () => {
    const perCustomer = population.map((c) => c.events.filter((e) => e.type === 'PurchaseCompleted').length).sort((a, b) => a - b);
    const median = perCustomer[perCustomer.length >> 1]!;
    const top = perCustomer[Math.floor(perCustomer.length * 0.99)]!;
    expect(median).toBeGreaterThanOrEqual(1);
    expect(top).toBeGreaterThan(4 * median);
    const eur = purchases.filter((p) => p.data.currency === 'EUR').map((p) => p.data.total).sort((a, b) => a - b);
    const medianOrder = eur[eur.length >> 1]!;
    expect(medianOrder).toBeGreaterThan(2000);
    expect(medianOrder).toBeLessThan(15000);
    expect(eur[Math.floor(eur.length * 0.95)]!).toBeGreaterThan(2.5 * medianOrder);
  });

  it('has weekly and yearly seasons', () => {
    const inMonths = (year: number, months: number[]) =>
      purchases.filter((p) => {
        const at = new Date(p.occurredAt);
        return at.getUTCFullYear() === year && months.includes(at.getUTCMonth());
      }).length;
    // The run-up to Christmas against the two months before it (a similar population).
    expect(inMonths(2025, [10, 11])).toBeGreaterThan(1.25 * inMonths(2025, [8, 9]));
    const byWeekday = new Array(7).fill(0);
    for (const p of purchases) byWeekday[new Date(p.occurredAt).getUTCDay()]++;
    expect(byWeekday[0] + byWeekday[6]).toBeGreaterThan(1.2 * (byWeekday[1] + byWeekday[2]));
  });

  it('has customers who stop buying, some who come back, refunds, tickets and engaged readers', () => {
    const lastPurchase = population.map((c) => Math.max(0, ...c.events.filter((e) => e.type === 'PurchaseCompleted').map((e) => Date.parse(e.occurredAt))));
    const lapsed = lastPurchase.filter((t) => t > 0 && t < until.getTime() - 180 * DAY).length / population.length;
    expect(lapsed).toBeGreaterThan(0.2);
    expect(lapsed).toBeLessThan(0.7);
    const comeback = population.some((c) => {
      const times = c.events.filter((e) => e.type === 'PurchaseCompleted').map((e) => Date.parse(e.occurredAt));
      return times.some((t, i) => i > 0 && t - times[i - 1]! > 200 * DAY);
    });
    expect(comeback).toBe(true);
    const count = (type: string) => all.filter((e) => e.type === type).length;
    expect(count('PurchaseRefunded') / purchases.length).toBeGreaterThan(0.03);
    expect(count('PurchaseRefunded') / purchases.length).toBeLessThan(0.1);
    expect(count('TicketResolved')).toBeGreaterThan(0);
    expect(count('MessageOpened') / count('MessageDelivered')).toBeGreaterThan(0.15);
    expect(count('MessageClicked')).toBeGreaterThan(0);
    expect(count('CartUpdated')).toBeGreaterThan(purchases.length);
  });
});
