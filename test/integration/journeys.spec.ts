import { createHmac } from 'node:crypto';
import type { JourneyEvent } from '@journey/contracts';
import { emptyCustomer360, inHoldout, quietUntil, type Rule } from '@journey/domain';
import { DecisionWriter, DEFAULT_SAGA_SETTINGS, Dispatcher, dryRun, Saga, ruleResults, type Channel } from '@journey/journeys';
import { DEFAULT_PROJECTION_OPTIONS } from '@journey/platform';
import { liveCustomer, Projector } from '@journey/projections';
import { exampleRules, JourneyHarness, WEBHOOK_SECRET } from '../support/journey-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(backends())('journeys on %s', (backend) => {
  let t: TestDatabase;
  let h: JourneyHarness;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new JourneyHarness(t.db);
    await h.start();
    for (const rule of exampleRules(h.baseUrl)) await h.saga.rules.save(rule);
    await h.saga.rulesChanged();
  });
  // Each test starts at 11:00 UTC (noon in Berlin, outside every quiet window) of a later day.
  beforeEach(() => {
    h.now = new Date(Math.floor(h.now.getTime() / DAY) * DAY + DAY + 11 * HOUR);
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  describe('the example rules fire exactly when they should', () => {
    it('welcome: on the first purchase, signed, with the coupon; not on the second', async () => {
      const c = await h.customer();
      await h.publish(h.purchase(c));
      await h.settle();
      const [welcome, ...more] = h.about(c).filter((r) => r.json.template === 'welcome');
      expect(more).toEqual([]);
      expect(welcome!.json).toMatchObject({ to: `${c}@example.com`, name: 'Ada Lovelace', coupon: 'THANKS10' });
      const timestamp = String(welcome!.headers['x-journey-timestamp']);
      expect(welcome!.headers['x-journey-signature']).toBe(`v1=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${welcome!.body}`).digest('hex')}`);
      expect(welcome!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      await h.publish(h.purchase(c));
      await h.settle();
      expect(h.about(c).filter((r) => r.json.template === 'welcome')).toHaveLength(1);
      expect(await h.eventsOf(c, 'ActionDispatched')).toHaveLength(1);
    });

    it('browse abandonment: two hours after a view without a purchase; not when a purchase follows', async () => {
      const viewer = await h.customer();
      const buyer = await h.customer();
      const seen = { page: '/catalogue/trail-runner-x', userAgent: 'Firefox/128.0' };
      await h.publish({ ...h.event('ProductViewed', viewer), metadata: seen }, { ...h.event('ProductViewed', buyer), metadata: seen });
      await h.settle();
      h.advance(HOUR);
      await h.publish(h.purchase(buyer));
      await h.settle();
      expect(h.about(viewer).filter((r) => r.json.template === 'browse-abandonment')).toEqual([]);
      h.advance(HOUR + 60_000);
      await h.settle();
      const [reminder] = h.about(viewer).filter((r) => r.json.template === 'browse-abandonment');
      expect(reminder!.json).toMatchObject({ product: { sku: 'SKU-1', category: 'shoes' } });
      expect(h.about(buyer).filter((r) => r.json.template === 'browse-abandonment')).toEqual([]);
      expect(await h.eventsOf(viewer, 'ActionScheduled')).toHaveLength(1);
      // Both waits have ended (one fired, one cancelled by the purchase): their timers keep the trigger's envelope, not its data or metadata.
      const { rows } = await t.db.query<{ customer_id: string; state: string; type: string; data: unknown; metadata: unknown }>(
        `SELECT customer_id, state, trigger->>'type' AS type, trigger->'data' AS data, trigger->'metadata' AS metadata
         FROM journey.saga_timers WHERE customer_id = ANY($1::text[]) ORDER BY state`,
        [[viewer, buyer]],
      );
      expect(rows).toEqual([
        { customer_id: buyer, state: 'cancelled', type: 'ProductViewed', data: {}, metadata: {} },
        { customer_id: viewer, state: 'fired', type: 'ProductViewed', data: {}, metadata: {} },
      ]);
    });

    it('browse abandonment: a wait the timers fired after the pass loaded it stays fired when a purchase then cancels it', async () => {
      const c = await h.customer();
      const view = h.event('ProductViewed', c);
      await h.publish(view);
      await h.settle();
      const { rows } = await t.db.query<{ id: string; rule_id: string }>(`SELECT id, rule_id FROM journey.saga_timers WHERE customer_id = $1 AND state = 'pending'`, [c]);
      expect(rows).toHaveLength(1);
      const wait = rows[0]!;
      // The pass has loaded the wait; the timers' tick fires it and commits first.
      await t.db.query(`UPDATE journey.saga_timers SET state = 'fired' WHERE id = $1`, [wait.id]);
      const rule = { id: wait.rule_id } as Rule;
      const { lifecycle, rates } = DEFAULT_PROJECTION_OPTIONS;
      const writer = new DecisionWriter({ ...DEFAULT_SAGA_SETTINGS, lifecycle, rates }, h.now.getTime());
      const memory = { past: [], goals: [], waits: [{ timerId: wait.id, rule, since: h.now.getTime() }] };
      writer.apply({ kind: 'cancel-wait', timerId: wait.id, rule }, { event: h.purchase(c), depth: 0 }, emptyCustomer360(c), memory);
      await h.store.unitOfWork((unit) => writer.flush(unit));
      const after = await t.db.query<{ state: string }>('SELECT state FROM journey.saga_timers WHERE id = $1', [wait.id]);
      expect(after.rows).toEqual([{ state: 'fired' }]);
    });

    it('browse abandonment: views while its wait runs join that wait: one wait, one reminder, nothing suppressed', async () => {
      const c = await h.customer();
      await h.publish(h.event('ProductViewed', c), h.event('ProductViewed', c));
      await h.settle();
      h.advance(HOUR);
      await h.publish(h.event('ProductViewed', c));
      await h.settle();
      h.advance(HOUR + 60_000);
      await h.settle();
      expect(h.about(c).filter((r) => r.json.template === 'browse-abandonment')).toHaveLength(1);
      expect(await h.eventsOf(c, 'ActionScheduled')).toHaveLength(1);
      expect(await h.eventsOf(c, 'ActionSuppressed')).toEqual([]);
    });

    it('dry run: a view while the browse-abandonment wait runs joins it; once it has fallen due, a view starts the next', async () => {
      const c = await h.customer();
      await h.settle();
      const browse = (await h.saga.rules.get('browse-abandonment'))!.rule;
      const view = h.event('ProductViewed', c);
      const dry = async () => (await dryRun(t.db, h.saga.index, h.settings, browse, (await liveCustomer(t.db, c))!, view, h.now)).outcome;
      expect(await dry()).toEqual({ kind: 'wait', forMs: 2 * HOUR });
      await h.publish(view);
      await h.settle();
      expect(await dry()).toEqual({ kind: 'waiting', since: Date.parse(view.occurredAt) });
      h.advance(2 * HOUR + 60_000);
      await h.settle();
      expect(await dry()).toEqual({ kind: 'wait', forMs: 2 * HOUR });
    });

    it('win-back: a high-tier customer at risk gets the offer; a medium-tier one does not', async () => {
      const high = await h.customer();
      const medium = await h.customer();
      await h.publish(h.tier(high, 'high'), h.tier(medium, 'medium'));
      const atRisk = (c: string) => h.event('LifecycleStageChanged', c, { from: 'repeat', to: 'at_risk', reason: 'no purchase for 61 days' });
      await h.publish(atRisk(high), atRisk(medium));
      await h.settle();
      expect(h.about(high).filter((r) => r.json.template === 'win-back')).toEqual([
        expect.objectContaining({ json: expect.objectContaining({ coupon: 'COMEBACK20', discountPercent: 20, segment: 'Champions' }) }),
      ]);
      expect(h.about(medium).filter((r) => r.json.template === 'win-back')).toEqual([]);
    });

    it('VIP ticket escalation: only for high-tier customers, to the support queue', async () => {
      const vip = await h.customer();
      const other = await h.customer();
      await h.publish(h.tier(vip, 'high'), h.tier(other, 'low'));
      await h.publish(h.event('TicketOpened', vip), h.event('TicketOpened', other));
      await h.settle();
      const escalations = h.receiver.to('/support/escalations');
      expect(escalations.filter((r) => r.body.includes(vip))).toEqual([
        expect.objectContaining({ json: expect.objectContaining({ queue: 'vip', ticketId: 't-77', customer: expect.objectContaining({ id: vip, tier: 'high' }) }) }),
      ]);
      expect(escalations.filter((r) => r.body.includes(other))).toEqual([]);
    });

    it("birthday: on the customer's birthday, once a day", async () => {
      const today = h.now.toISOString().slice(5, 10);
      // (Europe/Berlin: at 11:00 UTC it is the same day there.)
      const celebrating = await h.customer({ birthday: `1990-${today}` });
      const notToday = await h.customer({ birthday: today === '06-15' ? '1990-06-16' : '1990-06-15' });
      await h.settle();
      await h.saga.runCalendarRules();
      await h.saga.runCalendarRules();
      await h.settle();
      expect(h.about(celebrating).filter((r) => r.json.template === 'birthday')).toHaveLength(1);
      expect(h.about(notToday).filter((r) => r.json.template === 'birthday')).toEqual([]);
    });

    it('birthday: the hourly runs of the day decide it once, in quiet hours or not', async () => {
      // 07:00 UTC is 08:00 in Berlin, inside the rule's quiet hours (21:00–09:00): the greeting is held.
      h.now = new Date(h.now.getTime() - 4 * HOUR);
      const today = h.now.toISOString().slice(5, 10);
      const held = await h.customer({ birthday: `1990-${today}` });
      await h.settle();
      for (let run = 0; run < 3; run++) {
        await h.saga.runCalendarRules();
        h.advance(HOUR);
      }
      // 10:00 UTC: the hold has ended and the greeting went; a customer first judged now gets it at once.
      const direct = await h.customer({ birthday: `1990-${today}` });
      await h.settle();
      for (let run = 0; run < 3; run++) {
        await h.saga.runCalendarRules();
        h.advance(HOUR);
        await h.settle();
      }
      for (const customer of [held, direct]) {
        expect(h.about(customer).filter((r) => r.json.template === 'birthday')).toHaveLength(1);
        // Not suppressed by its own frequency cap an hour later, nor scheduled twice.
        expect(await h.eventsOf(customer, 'ActionSuppressed')).toEqual([]);
      }
      expect(await h.eventsOf(held, 'ActionScheduled')).toHaveLength(1);
      expect(await h.eventsOf(direct, 'ActionScheduled')).toEqual([]);
    });

    it("birthday: the runs on either side of midnight UTC fall on one day in Berlin and decide the customer's birthday once", async () => {
      const ruleId = `birthday-uncapped-${h.now.getTime()}`;
      await h.saga.rules.save({
        id: ruleId,
        name: 'Birthday greeting without cap or quiet hours',
        trigger: { event: 'schedule:daily' },
        conditions: { path: 'customer.profile.birthday', op: 'birthdayToday' },
        action: { channel: 'log', target: 'birthday', template: '{}' },
      });
      await h.saga.rulesChanged();
      // 23:30 UTC is 00:30 the next day in Berlin (01:30 in summer): already the birthday there.
      h.now = new Date(h.now.getTime() + 12 * HOUR + 30 * 60_000);
      const birthday = new Date(h.now.getTime() + DAY).toISOString().slice(5, 10);
      const c = await h.customer({ birthday: `1990-${birthday}`, timezone: 'Europe/Berlin' });
      await h.settle();
      await h.saga.runCalendarRules();
      h.advance(HOUR);
      await h.saga.runCalendarRules();
      const { rows } = await t.db.query<{ decision: string }>('SELECT decision FROM journey.saga_decisions WHERE customer_id = $1 AND rule_id = $2', [c, ruleId]);
      expect(rows).toEqual([{ decision: 'dispatch' }]);
      await h.saga.rules.delete(ruleId);
      await h.saga.rulesChanged();
    });

    it('satisfaction survey: a day after a resolution without a score; not with one; not after feedback', async () => {
      const silent = await h.customer();
      const scored = await h.customer();
      const answered = await h.customer();
      await h.publish(
        h.event('TicketResolved', silent, { ticketId: 't-1' }),
        h.event('TicketResolved', scored, { ticketId: 't-2', satisfaction: 5 }),
        h.event('TicketResolved', answered, { ticketId: 't-3' }),
      );
      await h.settle();
      h.advance(2 * HOUR);
      await h.publish(h.event('FeedbackGiven', answered, { score: 8 }));
      await h.settle();
      h.advance(DAY);
      await h.settle();
      expect(h.about(silent).filter((r) => r.json.template === 'satisfaction-survey')).toEqual([
        expect.objectContaining({ json: expect.objectContaining({ ticketId: 't-1', survey: 'csat-after-ticket' }) }),
      ]);
      expect(h.about(scored).filter((r) => r.json.template === 'satisfaction-survey')).toEqual([]);
      expect(h.about(answered).filter((r) => r.json.template === 'satisfaction-survey')).toEqual([]);
    });
  });

  describe('suppression, recorded with its reason', () => {
    const reasons = async (c: string) => (await h.eventsOf(c, 'ActionSuppressed')).map((e) => (e.data as { reason: string }).reason);

    it('no consent, revoked consent', async () => {
      const never = await h.customer({ consent: false });
      const revoked = await h.customer();
      await h.publish(h.event('ConsentChanged', revoked, { channel: 'email', purpose: 'marketing', granted: false }));
      await h.publish(h.purchase(never), h.purchase(revoked));
      await h.settle();
      expect(await reasons(never)).toContain('no_consent');
      expect(await reasons(revoked)).toContain('no_consent');
      expect(h.about(never)).toEqual([]);
      expect(h.about(revoked)).toEqual([]);
    });

    it('frequency cap', async () => {
      const c = await h.customer();
      await h.publish(h.event('ProductViewed', c));
      await h.settle();
      h.advance(3 * HOUR);
      await h.settle();
      await h.publish(h.event('ProductViewed', c));
      await h.settle();
      h.advance(3 * HOUR);
      await h.settle();
      expect(h.about(c).filter((r) => r.json.template === 'browse-abandonment')).toHaveLength(1);
      expect(await reasons(c)).toEqual(['frequency_cap']);
    });

    it('a frequency cap of a month counts the actions of that month, and only those', async () => {
      await h.saga.rules.save({
        id: 'monthly-search',
        name: 'monthly search follow-up',
        trigger: { event: 'SearchPerformed' },
        action: { channel: 'webhook', target: `${h.baseUrl}/monthly`, template: '{"customer":{{json customer.customerId}} }' },
        limits: { frequencyCap: { count: 1, per: '30d' } },
      });
      await h.saga.rulesChanged();
      const c = await h.customer();
      const search = async () => {
        await h.publish(h.event('SearchPerformed', c));
        await h.settle();
      };
      await search();
      h.advance(20 * DAY);
      await search();
      h.advance(15 * DAY);
      await search();
      expect(h.receiver.to('/monthly').filter((r) => r.body.includes(c))).toHaveLength(2);
      expect((await reasons(c)).filter((reason) => reason === 'frequency_cap')).toHaveLength(1);
      await h.saga.rules.delete('monthly-search');
      await h.saga.rulesChanged();
    });

    it('a template that throws when rendered suppresses its action, and the pass goes on', async () => {
      // A stored version the template check refuses (written to the table directly): its partial throws when rendered.
      const definition = {
        id: 'partial-thanks',
        name: 'Thanks through a partial',
        trigger: { event: 'PurchaseCompleted' },
        action: { channel: 'webhook', target: `${h.baseUrl}/partial`, template: 'Hi {{> greeting}}' },
      };
      await t.db.query('INSERT INTO journey.rules (id, version, definition, enabled, deleted) VALUES ($1, 1, $2, true, false)', [definition.id, JSON.stringify(definition)]);
      await h.saga.rulesChanged();
      const c = await h.customer();
      await h.publish(h.purchase(c));
      await h.settle();
      await h.saga.rules.delete(definition.id);
      await h.saga.rulesChanged();
      expect((await liveCustomer(t.db, c))?.orders).toBe(1);
      expect(await reasons(c)).toEqual(['template_error']);
      expect(h.receiver.to('/partial')).toEqual([]);
      // The customer's other rules are judged as ever.
      expect(h.about(c).filter((r) => r.json.template === 'welcome')).toHaveLength(1);
    });

    it('a stored version with a cap and a goal longer than a rule may hold is held to the longest, and the pass goes on', async () => {
      // A stored version the rule check refuses (written to the table directly): no instant lies 200,000,000 days from now.
      const definition = {
        id: 'endless-windows',
        name: 'Endless windows',
        trigger: { event: 'PurchaseCompleted' },
        action: { channel: 'webhook', target: `${h.baseUrl}/endless`, template: '{"to": {{json customer.customerId}} }' },
        limits: { frequencyCap: { count: 1, per: '200000000d' } },
        goal: { event: 'PurchaseCompleted', within: '200000000d' },
      };
      await t.db.query('INSERT INTO journey.rules (id, version, definition, enabled, deleted) VALUES ($1, 1, $2, true, false)', [definition.id, JSON.stringify(definition)]);
      await h.saga.rulesChanged();
      const c = await h.customer();
      await h.publish(h.purchase(c));
      await h.settle();
      h.advance(DAY);
      await h.publish(h.purchase(c));
      await h.settle();
      await h.saga.rules.delete(definition.id);
      await h.saga.rulesChanged();
      expect((await liveCustomer(t.db, c))?.orders).toBe(2);
      expect(h.about(c, '/endless')).toHaveLength(1);
      expect(await reasons(c)).toEqual(['frequency_cap']);
    });

    it('quiet hours in the customer time zone hold the action until morning, then send it', async () => {
      const c = await h.customer({ timezone: 'Asia/Tokyo' });
      const savedNow = h.now;
      // 14:00 UTC is 23:00 in Tokyo: quiet until 08:00 there, 23:00 UTC.
      h.now = new Date(Math.floor(savedNow.getTime() / DAY) * DAY + 14 * HOUR);
      await h.publish(h.purchase(c));
      await h.settle();
      expect(h.about(c)).toEqual([]);
      const [scheduled] = await h.eventsOf(c, 'ActionScheduled');
      expect((scheduled!.data as { dueAt: string }).dueAt).toBe(new Date(Math.floor(savedNow.getTime() / DAY) * DAY + 23 * HOUR).toISOString());
      h.advance(9 * HOUR);
      await h.settle();
      expect(h.about(c).filter((r) => r.json.template === 'welcome')).toHaveLength(1);
      h.now = savedNow;
    });

    it('holdout: deterministic per customer, suppressed, and their conversions still counted', async () => {
      let id = '';
      for (let i = 0; !id; i++) if (inHoldout('welcome', `holdout-${i}`, 10)) id = `holdout-${i}`;
      await h.publish(
        h.event('CustomerRegistered', id, { name: 'Held Out', email: 'held@example.com' }),
        h.event('ConsentChanged', id, { channel: 'email', purpose: 'marketing', granted: true }),
        h.purchase(id),
      );
      await h.settle();
      expect(await reasons(id)).toEqual(['holdout']);
      expect(h.about(id)).toEqual([]);
      h.advance(DAY);
      await h.publish(h.purchase(id));
      await h.settle();
      const [conversion] = await h.eventsOf(id, 'ConversionAttributed');
      expect(conversion!.data).toMatchObject({ ruleId: 'welcome', holdout: true, goalType: 'PurchaseCompleted', value: 5000, currency: 'EUR' });
      const [results] = await ruleResults(t.db, 'welcome');
      expect(results!.holdoutConverted).toBeGreaterThanOrEqual(1);
    });
  });

  it('a dispatched welcome converts on a purchase within the goal window, once', async () => {
    const c = await h.customer();
    await h.publish(h.purchase(c));
    await h.settle();
    h.advance(2 * DAY);
    await h.publish(h.purchase(c), h.purchase(c));
    await h.settle();
    const conversions = await h.eventsOf(c, 'ConversionAttributed');
    expect(conversions).toHaveLength(1);
    expect(conversions[0]!.data).toMatchObject({ ruleId: 'welcome', holdout: false });
  });

  it('sees many events of one customer in one batch in order, each against the state it left', async () => {
    const seen = (id: string, event: string, path: string, value: number) => ({
      id,
      name: id,
      trigger: { event },
      conditions: { path, op: 'eq', value },
      action: { channel: 'webhook', target: `${h.baseUrl}/order-test`, template: `{"rule":"${id}","customer":{{json customer.customerId}} }` },
    });
    await h.saga.rules.save(seen('after-purchase', 'PurchaseCompleted', 'customer.commerce.refunds', 0));
    await h.saga.rules.save(seen('after-refund', 'PurchaseRefunded', 'customer.commerce.refunds', 1));
    await h.saga.rules.save(seen('after-ticket', 'TicketOpened', 'customer.support.ticketsTotal', 1));
    await h.saga.rulesChanged();
    const c = `batch-${Date.now()}`;
    await h.store.append(`customer-${c}`, [h.purchase(c), h.event('PurchaseRefunded', c), h.event('TicketOpened', c)]);
    await h.settle();
    expect(h.receiver.to('/order-test').filter((r) => r.body.includes(c)).map((r) => r.json.rule).sort()).toEqual(['after-purchase', 'after-refund', 'after-ticket']);
    for (const id of ['after-purchase', 'after-refund', 'after-ticket']) await h.saga.rules.delete(id);
    await h.saga.rulesChanged();
  });

  it("judges a customer with linked anonymous-visitor history on the merged state: the 360's and the rules' agree", async () => {
    await h.saga.rules.save({
      id: 'keen-browser',
      name: 'keen browser',
      trigger: { event: 'ProductViewed' },
      conditions: { path: 'customer.activity.views', op: 'gte', value: 3 },
      action: { channel: 'webhook', target: `${h.baseUrl}/keen`, template: '{"customer":{{json customer.customerId}},"views":{{json customer.activity.views}} }' },
    });
    await h.saga.rulesChanged();
    const c = await h.customer();
    const anonymousId = `anon-${c}`;
    const view = () => ({ ...h.event('ProductViewed', c), customerId: undefined, anonymousId }) as JourneyEvent;
    // Two views as an anonymous visitor, then the link, then one view of the customer's own: only
    // counting the visitor's views does the third reach the rule's threshold.
    await h.publish(view(), view());
    await h.publish(h.event('IdentityLinked', c, { anonymousId }), h.event('ProductViewed', c));
    await h.settle();

    const keen = () => h.receiver.to('/keen').filter((r) => r.body.includes(c));
    expect(keen().map((r) => r.json)).toEqual([{ customer: c, views: 3 }]);
    expect((await liveCustomer(t.db, c))?.views).toBe(3);
    // The visitor's own later view counts for the customer, and the rules judge it for them too.
    await h.publish(view());
    await h.settle();
    expect(keen().map((r) => r.json)).toEqual([{ customer: c, views: 3 }, { customer: c, views: 4 }]);
    await h.saga.rules.delete('keen-browser');
    await h.saga.rulesChanged();
  });

  describe('delivery', () => {
    it('retries a receiver that is down for a while, then succeeds with the same idempotency key', async () => {
      const c = await h.customer();
      const path = `/flaky-${c}`;
      await h.saga.rules.save({ id: `flaky-${c}`, name: 'flaky', trigger: { event: 'SearchPerformed' }, action: { channel: 'webhook', target: `${h.baseUrl}${path}`, template: '{"hello":1}' } });
      await h.saga.rulesChanged();
      h.receiver.respond = (request, nth) => (request.path === path && h.receiver.to(path).length <= 2 ? 503 : 200) + nth * 0;
      await h.publish(h.event('SearchPerformed', c));
      await h.settle();
      for (let i = 0; i < 20 && h.receiver.to(path).length < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        h.advance(1000);
        await h.saga.tick();
      }
      h.receiver.respond = () => 200;
      const attempts = h.receiver.to(path);
      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      const [dispatched] = await h.eventsOf(c, 'ActionDispatched');
      expect(dispatched!.data).toMatchObject({ attempt: 3 });
    });

    it('puts an action whose receiver fails for good in the dead letter, with the last error', async () => {
      const c = await h.customer();
      const path = `/broken-${c}`;
      await h.saga.rules.save({ id: `broken-${c}`, name: 'broken', trigger: { event: 'SearchPerformed' }, action: { channel: 'webhook', target: `${h.baseUrl}${path}`, template: '{}' } });
      await h.saga.rulesChanged();
      h.receiver.respond = (request) => (request.path === path ? 500 : 200);
      await h.publish(h.event('SearchPerformed', c));
      await h.settle();
      for (let i = 0; i < 20 && h.receiver.to(path).length < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        h.advance(1000);
        await h.saga.tick();
      }
      h.receiver.respond = () => 200;
      const { rows } = await t.db.query<{ state: string; attempts: number; last_error: string }>(
        "SELECT state, attempts, last_error FROM journey.outbox WHERE rule_id = $1",
        [`broken-${c}`],
      );
      expect(rows).toEqual([{ state: 'dead', attempts: 3, last_error: expect.stringContaining('HTTP 500') }]);
      const [failed] = await h.eventsOf(c, 'ActionFailed');
      expect(failed!.data).toMatchObject({ attempts: 3, error: expect.stringContaining('HTTP 500') });
    });

    it('converts nobody with a message that was never delivered: its goal closes when it fails for good, and the results count dispatched ones only', async () => {
      const ruleId = `undelivered-${h.now.getTime()}`;
      const path = `/${ruleId}`;
      const delivered = await h.customer();
      const refused = await h.customer();
      await h.saga.rules.save({
        id: ruleId,
        name: 'nudge with a goal',
        trigger: { event: 'SearchPerformed' },
        action: { channel: 'webhook', target: `${h.baseUrl}${path}`, template: '{"to": "{{customer.customerId}}"}' },
        goal: { event: 'PurchaseCompleted', within: '7d' },
      });
      await h.saga.rulesChanged();
      // The receiver refuses one customer's message for good (a 4xx: dead at once).
      h.receiver.respond = (request) => (request.path === path && request.body.includes(refused) ? 400 : 200);
      await h.publish(h.event('SearchPerformed', delivered), h.event('SearchPerformed', refused));
      await h.settle();
      h.receiver.respond = () => 200;
      h.advance(HOUR);
      await h.publish(h.purchase(delivered), h.purchase(refused));
      await h.settle();
      const conversions = async (c: string) => (await h.eventsOf(c, 'ConversionAttributed')).filter((e) => (e.data as { ruleId: string }).ruleId === ruleId);
      expect(await conversions(delivered)).toHaveLength(1);
      expect(await conversions(refused)).toEqual([]);
      // The rules' results count the conversions of dispatched actions only.
      const [results] = await ruleResults(t.db, ruleId);
      expect(results).toMatchObject({ dispatched: 1, failed: 1, converted: 1, conversionRate: 1 });
    });

    it("holds a retry that falls in the rule's quiet hours until they end, its attempts untouched", async () => {
      const c = await h.customer();
      const path = `/quiet-retry-${c}`;
      await h.saga.rules.save({
        id: `quiet-retry-${c}`,
        name: 'retried at night',
        trigger: { event: 'SearchPerformed' },
        action: { channel: 'webhook', target: `${h.baseUrl}${path}`, template: '{}' },
        limits: { quietHours: { start: '21:00', end: '08:00' } },
      });
      await h.saga.rulesChanged();
      h.receiver.respond = (request) => (request.path === path ? 503 : 200);
      await h.publish(h.event('SearchPerformed', c));
      await h.settle();
      expect(h.receiver.to(path)).toHaveLength(1);
      h.receiver.respond = () => 200;
      // The retry falls due late in the evening, inside the quiet hours in Berlin.
      h.advance(9 * HOUR + 30 * 60_000);
      const night = h.now.getTime();
      await h.saga.tick();
      expect(h.receiver.to(path)).toHaveLength(1);
      const { rows } = await t.db.query<{ state: string; attempts: number; next_attempt_at: Date }>(
        'SELECT state, attempts, next_attempt_at FROM journey.outbox WHERE rule_id = $1',
        [`quiet-retry-${c}`],
      );
      const morning = quietUntil(night, '21:00', '08:00', 'Europe/Berlin')!;
      expect(rows).toEqual([{ state: 'pending', attempts: 1, next_attempt_at: new Date(morning) }]);
      h.now = new Date(morning);
      await h.saga.tick();
      expect(h.receiver.to(path)).toHaveLength(2);
      const [dispatched] = (await h.eventsOf(c, 'ActionDispatched')).filter((e) => (e.data as { ruleId: string }).ruleId === `quiet-retry-${c}`);
      expect(dispatched!.data).toMatchObject({ attempt: 2 });
    });

    it('sends no retry once the customer has withdrawn the consent its rule needs: suppressed, the row cancelled', async () => {
      const c = await h.customer();
      const path = `/consent-${c}`;
      await h.saga.rules.save({
        id: `consent-${c}`,
        name: 'needs consent',
        trigger: { event: 'SearchPerformed' },
        action: { channel: 'webhook', target: `${h.baseUrl}${path}`, template: '{}' },
        consent: { channel: 'email', purpose: 'marketing' },
      });
      await h.saga.rulesChanged();
      h.receiver.respond = (request) => (request.path === path ? 503 : 200);
      await h.publish(h.event('SearchPerformed', c));
      await h.settle();
      expect(h.receiver.to(path)).toHaveLength(1);
      h.receiver.respond = () => 200;
      await h.publish(h.event('ConsentChanged', c, { channel: 'email', purpose: 'marketing', granted: false }));
      await h.settle();
      h.advance(HOUR);
      await h.saga.tick();
      expect(h.receiver.to(path)).toHaveLength(1);
      const ofRule = async (type: 'ActionDispatched' | 'ActionSuppressed') => (await h.eventsOf(c, type)).filter((e) => (e.data as { ruleId: string }).ruleId === `consent-${c}`);
      expect(await ofRule('ActionDispatched')).toEqual([]);
      expect((await ofRule('ActionSuppressed')).map((e) => (e.data as { reason: string }).reason)).toEqual(['no_consent']);
      const { rows } = await t.db.query<{ state: string }>('SELECT state FROM journey.outbox WHERE rule_id = $1', [`consent-${c}`]);
      expect(rows).toEqual([{ state: 'cancelled' }]);
      const [results] = await ruleResults(t.db, `consent-${c}`);
      expect({ pending: results!.pending, suppressed: results!.suppressed }).toEqual({ pending: 0, suppressed: { no_consent: 1 } });
      // A row a forget cancelled before delivery judged consent again names no reason: it counts as forgotten.
      await t.db.query("UPDATE journey.outbox SET last_error = NULL WHERE rule_id = $1", [`consent-${c}`]);
      expect((await ruleResults(t.db, `consent-${c}`))[0]!.suppressed).toEqual({ forgotten: 1 });
    });

    it('leaves a delivery to the claim that took its row over: a process stalled past its lease records nothing', async () => {
      const c = await h.customer();
      await h.saga.rules.save({ id: `stalled-${c}`, name: 'stalled', trigger: { event: 'SearchPerformed' }, action: { channel: 'log', target: 'stalled', template: '{}' } });
      await h.saga.rulesChanged();
      let delivering!: () => void;
      const inFlight = new Promise<void>((resolve) => (delivering = resolve));
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const stalling: Channel = {
        name: 'log',
        deliver: async () => {
          delivering();
          await finished;
        },
      };
      const stalled = new Dispatcher(t.db, h.store, new Map([['log', stalling]]), h.settings, () => h.now, h.saga.index);
      await h.publish(h.event('SearchPerformed', c));
      await h.projector.caughtUp();
      const dispatching = stalled.dispatchAll();
      await inFlight;
      // Meanwhile its lease runs out and another process claims the row.
      const taken = new Date(h.now.getTime() + HOUR).toISOString();
      await t.db.query('UPDATE journey.outbox SET locked_until = $2, attempts = attempts + 1 WHERE rule_id = $1', [`stalled-${c}`, taken]);
      finish();
      await dispatching;
      expect((await h.eventsOf(c, 'ActionDispatched')).filter((e) => (e.data as { ruleId: string }).ruleId === `stalled-${c}`)).toEqual([]);
      const { rows } = await t.db.query<{ state: string; attempts: number }>('SELECT state, attempts FROM journey.outbox WHERE rule_id = $1', [`stalled-${c}`]);
      expect(rows).toEqual([{ state: 'pending', attempts: 2 }]);
    });
  });

  it('never takes a decision twice for a rule version and trigger, across a restart', async () => {
    const c = await h.customer();
    await h.publish(h.purchase(c));
    await h.settle();
    const count = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM journey.saga_decisions WHERE customer_id = $1', [c])).rows[0]!.n;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    // A second pass on the same database (a restart, or another process) finds nothing to redo.
    await h.projector.stop();
    const again = new Saga(t.db, h.store, h.settings, new Map(), () => h.now);
    const pass = new Projector(t.db, h.store, { ...DEFAULT_PROJECTION_OPTIONS, clockIntervalMs: 0, rfmIntervalMs: 0 }, () => h.now, { deciders: [again.decider()] });
    pass.start();
    await pass.caughtUp();
    await pass.stop();
    await again.stop();
    await h.projector.start();
    expect(await count()).toBe(before);
    expect(await h.eventsOf(c, 'ActionDispatched')).toHaveLength(1);
  });
  it('holds the holdout back from what a treated customer would have been sent, no more: the same behaviour shows no lift', async () => {
    const ruleId = `promo-${h.now.getTime()}`;
    await h.saga.rules.save({
      id: ruleId,
      name: 'Promo on views',
      trigger: { event: 'ProductViewed' },
      action: { channel: 'log', target: 'promo', template: '{}' },
      limits: { frequencyCap: { count: 1, per: '7d' } },
      holdout: 50,
      goal: { event: 'PurchaseCompleted', within: '7d' },
    });
    await h.saga.rulesChanged();
    const customerIn = (holdout: boolean, tag: string): string => {
      for (let i = 0; ; i++) {
        const id = `${ruleId}-${tag}-${i}`;
        if (inHoldout(ruleId, id, 50) === holdout) return id;
      }
    };
    // The same behaviour in both groups: one customer views three times and then buys, another views once and does not.
    const buyers = [customerIn(false, 'tb'), customerIn(true, 'hb')];
    const browsers = [customerIn(false, 'tn'), customerIn(true, 'hn')];
    const views = (c: string, n: number): JourneyEvent[] => Array.from({ length: n }, () => h.event('ProductViewed', c));
    await h.publish(...buyers.flatMap((c) => views(c, 3)), ...browsers.flatMap((c) => views(c, 1)));
    await h.settle();
    h.advance(HOUR);
    await h.publish(...buyers.map((c) => h.purchase(c)));
    await h.settle();
    const [results] = await ruleResults(t.db, ruleId);
    expect(results).toMatchObject({ dispatched: 2, converted: 1, holdout: 2, holdoutConverted: 1, conversionRate: 0.5, holdoutConversionRate: 0.5, lift: 0 });
    expect(results!.suppressed).toEqual({ frequency_cap: 4, holdout: 2 });
    await h.saga.rules.delete(ruleId);
    await h.saga.rulesChanged();
  });

  it('counts every match once, in the outcome it has now: the results add up to what was matched', async () => {
    const results = await ruleResults(t.db);
    expect(results.length).toBeGreaterThan(3);
    for (const rule of results) {
      const suppressed = Object.values(rule.suppressed).reduce((sum, n) => sum + n, 0);
      expect(rule.waiting + rule.cancelled + rule.dispatched + rule.pending + rule.failed + suppressed).toBe(rule.matched);
    }
    const abandonment = results.find((rule) => rule.ruleId === 'browse-abandonment')!;
    // The view followed by a purchase ended its wait before it fell due.
    expect(abandonment.cancelled).toBeGreaterThanOrEqual(1);
    expect(results.find((rule) => rule.ruleId === 'welcome')!.suppressed.holdout).toBeGreaterThanOrEqual(1);
  });
});
