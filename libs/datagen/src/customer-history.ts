import type { EventType, JourneyEvent } from '@journey/contracts';
import type { Catalog, Product } from './catalog';
import { mixSeed, Random } from './random';

const DAY = 86_400_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Purchases per month of the year and per day of the week, relative to the average. */
const MONTH_FACTOR = [0.8, 0.75, 0.9, 0.95, 1.0, 0.95, 0.9, 0.9, 1.0, 1.05, 1.4, 1.7];
const WEEKDAY_FACTOR = [1.25, 0.85, 0.9, 0.95, 1.0, 1.1, 1.3];
const MAX_FACTOR = Math.max(...MONTH_FACTOR) * Math.max(...WEEKDAY_FACTOR);
/** When in the day people shop (hours 0–23). */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4, 4, 5, 5, 4, 4, 4, 5, 6, 8, 9, 8, 5, 2].map(
  (weight, hour) => [hour, weight] as const,
);

const COUNTRIES = [
  ['DE', 30, 'EUR', 'Europe/Berlin', ['Berlin', 'Hamburg', 'Munich', 'Cologne']],
  ['FR', 15, 'EUR', 'Europe/Paris', ['Paris', 'Lyon', 'Marseille']],
  ['GB', 15, 'GBP', 'Europe/London', ['London', 'Manchester', 'Leeds']],
  ['US', 20, 'USD', 'America/New_York', ['New York', 'Boston', 'Chicago']],
  ['NL', 10, 'EUR', 'Europe/Amsterdam', ['Amsterdam', 'Utrecht']],
  ['ES', 10, 'EUR', 'Europe/Madrid', ['Madrid', 'Barcelona', 'Valencia']],
] as const;
const CURRENCY_RATE: Record<string, number> = { EUR: 1, GBP: 0.86, USD: 1.08 };
const FIRST_NAMES = ['Ada', 'Alan', 'Grace', 'Linus', 'Marie', 'Nikola', 'Rosalind', 'Tim', 'Katherine', 'Edsger', 'Barbara', 'Dennis'];
const LAST_NAMES = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Curie', 'Tesla', 'Franklin', 'Berners', 'Johnson', 'Dijkstra', 'Liskov', 'Ritchie'];
const SEARCHES = ['running shoes', 'rain jacket', 'gift for her', 'usb-c cable', 'organic tea', 'board game', 'sale', 'backpack'];

export interface Campaign {
  readonly id: string;
  readonly at: number;
}

export interface DatasetShape {
  readonly seed: number;
  /** The end of the simulated history (ms since the epoch); nothing happens after it. */
  readonly until: number;
  /** The start of the simulated history (ms since the epoch). */
  readonly from: number;
}

export interface CustomerHistory {
  readonly customerId: string;
  readonly anonymousId?: string;
  /** Everything this customer (and the visitor they were) did, in time order. */
  readonly events: readonly JourneyEvent[];
}

type Owner = { customerId: string } | { anonymousId: string };

/** Builds one customer's events; a fresh instance per customer, its randomness from (seed, index). */
export class CustomerHistoryBuilder {
  private readonly random: Random;
  private readonly events: Array<{ at: number; order: number; event: JourneyEvent }> = [];
  private readonly customer: Owner;
  private readonly customerId: string;
  private visitor: Owner | undefined;
  private readonly currency: string;
  private readonly favourites: string[];
  private purchases = 0;
  private tickets = 0;
  private carts = 0;
  private emailConsent = false;
  /** Nothing the customer does comes before they registered. */
  private registeredAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly shape: DatasetShape,
    private readonly index: number,
    private readonly catalog: Catalog,
    private readonly campaigns: readonly Campaign[],
  ) {
    this.random = new Random(mixSeed(shape.seed, index), index);
    this.customerId = `c${shape.seed.toString(36)}-${index + 1}`;
    this.customer = { customerId: this.customerId };
    const country = this.random.weighted(COUNTRIES.map((c) => [c, c[1]] as const));
    this.currency = country[2];
    this.favourites = [this.random.weighted(catalog.weightedCategories()), this.random.weighted(catalog.weightedCategories())];
    this.country = country;
  }

  private readonly country: (typeof COUNTRIES)[number];

  build(): CustomerHistory {
    const { from, until } = this.shape;
    const r = this.random;
    // Joins spread over the history, a little more towards its end (the shop grows).
    const joinedAt = from + (until - from) * r.next() ** 0.8;

    if (r.chance(0.4)) this.visitorBefore(joinedAt);
    this.registeredAt = joinedAt;
    this.register(joinedAt);

    // Purchases per year: log-normal, median 2, a long tail of frequent buyers.
    const perYear = r.logNormal(2, 0.9);
    const kind = r.weighted([
      ['one-off', 30],
      ['steady', 40],
      ['churner', 22],
      ['returner', 8],
    ] as const);
    const firstPurchase = this.seasonalAfter(joinedAt, 12 * DAY);
    if (kind === 'one-off') {
      this.purchase(firstPurchase);
    } else {
      const churnAt = kind === 'steady' ? until : firstPurchase + r.exponential(220 * DAY);
      this.purchase(firstPurchase);
      this.shopBetween(firstPurchase, Math.min(churnAt, until), perYear);
      if (kind === 'returner') {
        const back = this.seasonalAfter(churnAt + 200 * DAY, 100 * DAY);
        this.purchase(back);
        this.shopBetween(back, Math.min(back + r.exponential(240 * DAY), until), perYear);
      }
      // Lapsed customers still look around now and then.
      this.browseBetween(Math.min(churnAt, until), until, perYear * 0.4);
    }
    this.browseBetween(joinedAt, until, perYear * 1.2);
    this.messaging(joinedAt);
    if (r.chance(0.15)) this.feedback(joinedAt + r.exponential(200 * DAY));

    const sorted = this.events.filter((e) => e.at <= until).sort((a, b) => a.at - b.at || a.order - b.order);
    return {
      customerId: this.customerId,
      ...(this.visitor ? { anonymousId: (this.visitor as { anonymousId: string }).anonymousId } : {}),
      events: sorted.map((e) => e.event),
    };
  }

  private add(at: number, owner: Owner, type: EventType, data: object, source: string): void {
    if (owner === this.customer && at < this.registeredAt) at = this.registeredAt + 1000;
    const event = {
      eventId: this.random.uuid(),
      type,
      version: 1,
      ...owner,
      occurredAt: new Date(Math.floor(at)).toISOString(),
      source,
      data,
      metadata: {},
    } as JourneyEvent;
    this.events.push({ at: Math.floor(at), order: this.events.length, event });
  }

  private register(at: number): void {
    const r = this.random;
    const first = r.pick(FIRST_NAMES);
    const last = r.pick(LAST_NAMES);
    const [country, , , timezone, cities] = this.country;
    this.add(at, this.customer, 'CustomerRegistered', {
      name: `${first} ${last}`,
      email: `${first}.${last}.${this.index + 1}@example.com`.toLowerCase(),
      country,
      city: r.pick(cities),
      timezone,
      signupChannel: r.weighted([['web', 6], ['mobile_app', 3], ['store', 1]] as const),
    }, 'crm');
    if (this.visitor) this.add(at + 1, this.customer, 'IdentityLinked', { anonymousId: (this.visitor as { anonymousId: string }).anonymousId }, 'shop');
    if (r.chance(0.7)) {
      this.emailConsent = true;
      this.add(at + 2, this.customer, 'ConsentChanged', { channel: 'email', purpose: 'marketing', granted: true }, 'crm');
    }
    if (r.chance(0.25)) this.add(at + 3, this.customer, 'ConsentChanged', { channel: 'sms', purpose: 'marketing', granted: true }, 'crm');
    if (r.chance(0.4)) {
      const year = 1950 + r.int(0, 55);
      this.add(at + r.int(1, 90) * DAY, this.customer, 'CustomerProfileUpdated', {
        birthday: `${year}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
        phone: `+4915${String(r.int(10_000_000, 99_999_999))}`,
      }, 'crm');
    }
  }

  /** Anonymous browsing before the visitor signs up, and now and then after (logged out). */
  private visitorBefore(joinedAt: number): void {
    const r = this.random;
    this.visitor = { anonymousId: `v-${r.uuid().slice(0, 13)}` };
    for (let sessions = r.int(1, 4); sessions > 0; sessions--) {
      this.session(joinedAt - r.next() * 30 * DAY, this.visitor, r.chance(0.3));
    }
    if (r.chance(0.1)) this.session(joinedAt + r.exponential(60 * DAY), this.visitor, false);
  }

  /** Purchases as a seasonal Poisson process (thinning), each with its browse → cart funnel. */
  private shopBetween(start: number, end: number, perYear: number): void {
    const r = this.random;
    const peak = (perYear / 365) * MAX_FACTOR;
    for (let t = start + r.exponential(DAY / peak); t < end; t += r.exponential(DAY / peak)) {
      if (r.next() < seasonality(t) / MAX_FACTOR) this.purchase(atHour(t, r));
    }
  }

  /** A moment after `start` (mean wait `mean`), as likely as the season makes shopping. */
  private seasonalAfter(start: number, mean: number): number {
    const r = this.random;
    let t = start + r.exponential(mean);
    while (r.next() >= seasonality(t) / MAX_FACTOR) t += r.exponential(mean / 4);
    return atHour(t, r);
  }

  private browseBetween(start: number, end: number, perYear: number): void {
    const r = this.random;
    const rate = perYear / 365;
    if (rate <= 0 || end <= start) return;
    for (let t = start + r.exponential(DAY / rate); t < end; t += r.exponential(DAY / rate)) {
      this.session(atHour(t, r), this.customer, r.chance(0.4));
    }
  }

  /** A browsing session: views, maybe a search, maybe a cart that is left. */
  private session(start: number, owner: Owner, withCart: boolean): Product[] {
    const r = this.random;
    if (r.chance(0.3)) this.add(start, owner, 'SearchPerformed', { query: r.pick(SEARCHES), resultsCount: r.int(0, 120) }, 'shop');
    if (r.chance(0.5)) this.add(start + 10_000, owner, 'PageViewed', { url: `https://shop.example/${r.pick(this.catalog.categories)}`, title: 'Category' }, 'shop');
    const viewed: Product[] = [];
    for (let n = r.int(1, 5), at = start + MINUTE; n > 0; n--, at += r.int(20, 180) * 1000) {
      const product = this.catalog.pick(r, this.favourites);
      viewed.push(product);
      this.add(at, owner, 'ProductViewed', { sku: product.sku, category: product.category, name: product.name, price: this.price(product), currency: this.currency }, 'shop');
    }
    if (withCart) {
      const items = viewed.slice(0, r.int(1, viewed.length)).map((p) => ({ sku: p.sku, category: p.category, quantity: 1, unitPrice: this.price(p) }));
      this.cart(start + 15 * MINUTE, owner, items);
    }
    return viewed;
  }

  private cart(at: number, owner: Owner, items: Array<{ sku: string; category: string; quantity: number; unitPrice: number }>): void {
    this.carts++;
    const total = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
    this.add(at, owner, 'CartUpdated', { cartId: `cart-${this.index + 1}-${this.carts}`, items, total, currency: this.currency }, 'shop');
  }

  private purchase(at: number): void {
    const r = this.random;
    if (at > this.shape.until) return;
    this.purchases++;
    const start = at - r.int(3, 45) * MINUTE;
    const viewed = this.session(start, this.customer, false);
    const lines = r.weighted([[1, 50], [2, 30], [3, 14], [4, 6]] as const);
    const products = [...viewed.slice(0, lines)];
    while (products.length < lines) products.push(this.catalog.pick(r, this.favourites));
    const items = products.map((p) => ({ sku: p.sku, category: p.category, name: p.name, quantity: r.chance(0.85) ? 1 : r.int(2, 3), unitPrice: this.price(p) }));
    this.cart(at - MINUTE, this.customer, items.map(({ name: _name, ...item }) => item));
    const gross = items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
    const coupon = r.chance(0.1);
    const total = coupon ? Math.round(gross * 0.9) : gross;
    const orderId = `o${this.shape.seed.toString(36)}-${this.index + 1}-${this.purchases}`;
    this.add(at, this.customer, 'PurchaseCompleted', {
      orderId,
      items,
      total,
      currency: this.currency,
      channel: r.weighted([['web', 60], ['mobile_app', 30], ['store', 10]] as const),
      storeId: 'eu-web',
      ...(coupon ? { couponCode: 'WELCOME10' } : {}),
    }, 'shop');

    if (r.chance(0.06)) {
      const line = r.pick(items);
      const full = r.chance(0.3);
      this.add(at + r.int(2, 20) * DAY, this.customer, 'PurchaseRefunded', {
        orderId,
        amount: full ? total : Math.min(total, line.unitPrice * line.quantity),
        currency: this.currency,
        reason: r.pick(['wrong size', 'damaged', 'changed my mind', 'late delivery']),
        ...(full ? {} : { items: [{ sku: line.sku, quantity: line.quantity }] }),
      }, 'shop');
    }
    if (r.chance(0.07)) this.ticket(at + r.int(1, 10) * DAY);
  }

  private ticket(opened: number): void {
    const r = this.random;
    this.tickets++;
    const ticketId = `t${this.shape.seed.toString(36)}-${this.index + 1}-${this.tickets}`;
    this.add(opened, this.customer, 'TicketOpened', {
      ticketId,
      subject: r.pick(['Where is my order?', 'Wrong item received', 'Refund status', 'Size exchange']),
      channel: r.weighted([['email', 5], ['chat', 4], ['phone', 2], ['web', 2]] as const),
      priority: r.weighted([['low', 2], ['normal', 6], ['high', 2], ['urgent', 1]] as const),
    }, 'support');
    let at = opened + r.int(1, 20) * HOUR;
    if (r.chance(0.5)) {
      this.add(at, this.customer, 'TicketUpdated', { ticketId, status: 'pending', note: 'Waiting for the carrier' }, 'support');
      at += r.int(4, 72) * HOUR;
    }
    const satisfaction = r.chance(0.75) ? r.weighted([[1, 5], [2, 8], [3, 17], [4, 35], [5, 35]] as const) : undefined;
    this.add(at, this.customer, 'TicketResolved', { ticketId, ...(satisfaction ? { satisfaction } : {}) }, 'support');
  }

  private feedback(at: number): void {
    const r = this.random;
    const score = Math.max(0, Math.min(10, Math.round(r.normal() * 2.2 + 7.5)));
    this.add(at, this.customer, 'FeedbackGiven', { score, survey: 'nps-yearly' }, 'crm');
  }

  /** The shop's e-mail campaigns, as received by a customer who consented. */
  private messaging(joinedAt: number): void {
    if (!this.emailConsent) return;
    const r = this.random;
    const engagement = Math.min(2.5, r.logNormal(1, 0.6));
    for (const campaign of this.campaigns) {
      if (campaign.at < joinedAt + DAY) continue;
      const messageId = `m-${campaign.id}-${this.index + 1}`;
      const base = { messageId, channel: 'email', campaignId: campaign.id } as const;
      const sent = campaign.at + r.int(0, 120) * MINUTE;
      this.add(sent, this.customer, 'MessageSent', { ...base, template: 'newsletter' }, 'mailer');
      if (r.chance(0.02)) {
        this.add(sent + MINUTE, this.customer, 'MessageBounced', { ...base, bounce: r.chance(0.3) ? 'hard' : 'soft' }, 'mailer');
        continue;
      }
      this.add(sent + r.int(1, 5) * MINUTE, this.customer, 'MessageDelivered', base, 'mailer');
      if (r.chance(Math.min(0.9, 0.3 * engagement))) {
        const opened = sent + r.exponential(6 * HOUR);
        this.add(opened, this.customer, 'MessageOpened', base, 'mailer');
        if (r.chance(0.2)) this.add(opened + r.int(1, 30) * MINUTE, this.customer, 'MessageClicked', { ...base, url: 'https://shop.example/sale' }, 'mailer');
        if (r.chance(0.01)) this.add(opened + r.int(5, 600) * MINUTE, this.customer, 'MessageReplied', { ...base, text: 'Thanks!' }, 'mailer');
      }
      if (r.chance(0.004)) {
        this.add(sent + r.int(1, 48) * HOUR, this.customer, 'Unsubscribed', { channel: 'email', purpose: 'marketing', messageId }, 'mailer');
        return;
      }
    }
  }

  private price(product: Product): number {
    const rate = CURRENCY_RATE[this.currency] ?? 1;
    return Math.max(99, Math.round((product.price * rate) / 10) * 10 - 1);
  }
}

function seasonality(t: number): number {
  const date = new Date(t);
  return MONTH_FACTOR[date.getUTCMonth()]! * WEEKDAY_FACTOR[date.getUTCDay()]!;
}

/** The same day at an hour drawn from the shopping hours. */
function atHour(t: number, random: Random): number {
  const day = Math.floor(t / DAY) * DAY;
  return day + random.weighted(HOUR_WEIGHTS) * HOUR + random.int(0, 59) * MINUTE + random.int(0, 59) * 1000;
}
