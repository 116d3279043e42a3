import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PgDatabase } from '@journey/database';
import { PostgresEventStore } from '@journey/event-store/postgres';
import { seed, storeSink } from '../../services/cli/src/seed/seed';
import { formatCount, formatMoney, majorText, minorUnits } from '../../services/console/src/format/money';
import { mainCurrency } from '../../services/console/src/charts/series';
import { EngineProcess } from '../support/engine-process';
import { createTestDatabase, serverUrl, skipLine, type TestDatabase } from '../support/test-database';
import { until } from '../support/until';
import { hasChromium, launchChromium, SCREENSHOTS } from './browser-support';

const CUSTOMERS = 120;
const ready = hasChromium() && serverUrl() !== undefined;
if (!hasChromium()) skipLine('the console in a browser', 'no chromium at /usr/bin/chromium (apt-get install chromium)');
else if (!serverUrl()) skipLine('the console in a browser', 'needs a PostgreSQL server');

(ready ? describe : describe.skip)('the console in headless chromium, over an engine seeded with generated customers', () => {
  let t: TestDatabase;
  let engine: EngineProcess;
  let browser: Browser;
  const keys: Record<'marketing' | 'auditor', string> = { marketing: '', auditor: '' };

  const api = async <T>(path: string, key?: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const response = await fetch(`${engine.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(key ? { authorization: `Bearer ${key}` } : engine.headers()), ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    t = await createTestDatabase('postgres', 4);
    const db = new PgDatabase({ url: t.url!, poolSize: 4, applicationName: 'journey-console-seed' });
    const store = new PostgresEventStore(db);
    await seed(storeSink(store, new Date()), { seed: 22, customers: CUSTOMERS, quiet: true, days: 200 }, new Date());
    await store.close();
    await db.close();
    engine = new EngineProcess({ DATABASE_URL: t.url!, JOURNEY_RATE_LIMITS: 'off' });
    await engine.start();
    await until(
      async () => {
        const health = await api<{ lag?: Record<string, { events: number }> }>('/health');
        const lags = Object.values(health.lag ?? {});
        return lags.length > 0 && lags.every((lag) => lag.events === 0) ? true : undefined;
      },
      240_000,
      'every consumer of the log to catch up',
    );
    for (const role of ['marketing', 'auditor'] as const) keys[role] = (await api<{ key: string }>('/v1/keys', undefined, { method: 'POST', body: { role, name: `console ${role}` } })).key;
    await api('/v1/rules', undefined, { method: 'POST', body: { id: 'thanks', name: 'Thank buyers', trigger: { event: 'PurchaseCompleted' }, action: { channel: 'log', target: 'thanks', template: 'Thanks for {{event.data.orderId}}', params: {} } } });
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await engine?.stop();
    await t?.drop();
  });

  const signIn = async (key: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
    await page.goto(`${engine.url}/`);
    await page.waitForURL(/\/app\/$/);
    await page.fill('input[name=apiKey]', key);
    await page.click('button[type=submit]');
    await page.waitForSelector('header nav');
    return page;
  };

  const open = async (page: Page, id: string): Promise<void> => {
    await page.goto(`${engine.url}/app/#/${id}`);
    await page.waitForSelector(`main[data-page=${id}]`);
  };

  const screenshots = async (page: Page, id: string, settle: string): Promise<void> => {
    for (const language of ['en', 'zh'] as const) {
      await page.selectOption('header select[aria-label=language]', language);
      await page.waitForSelector(settle);
      await page.screenshot({ path: join(SCREENSHOTS, `${id}.${language}.png`), fullPage: true });
    }
    await page.selectOption('header select[aria-label=language]', 'en');
  };

  it('redirects / to the console, served from the engine itself', async () => {
    const root = await fetch(`${engine.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/app/');
    const index = await fetch(`${engine.url}/app/`);
    expect(index.status).toBe(200);
    // The index is asked again on every load; the hashed assets are kept for good.
    expect([index.headers.get('cache-control'), index.headers.get('x-content-type-options')]).toEqual(['no-cache', 'nosniff']);
    const html = await index.text();
    expect(html).toMatch(/<div id="root">/);
    // The entry names every page's chunk (loaded when the page opens): each is served, as JavaScript.
    const entry = /src="\/app\/(assets\/index-[^"]+\.js)"/.exec(html)![1]!;
    const chunks = new Set((await (await fetch(`${engine.url}/app/${entry}`)).text()).match(/assets\/[\w.-]+\.js/g));
    expect([...chunks].filter((chunk) => /\.page-/.test(chunk))).toHaveLength(7);
    expect([...chunks].some((chunk) => chunk.startsWith('assets/echarts-'))).toBe(true);
    for (const chunk of chunks) {
      const response = await fetch(`${engine.url}/app/${chunk}`);
      expect([chunk, response.status, response.headers.get('content-type'), response.headers.get('cache-control')]).toEqual([
        chunk,
        200,
        expect.stringContaining('javascript'),
        'public, max-age=31536000, immutable',
      ]);
    }
  });

  it('sums every purchase of the log into the weekly aggregates', async () => {
    const weekly = await api<{ sales: Array<{ orders: number; revenue: number }> }>('/v1/analytics/weekly?from=2000-01-01', keys.marketing);
    const { rows } = await t.db.query<{ orders: number; revenue: string }>(
      `SELECT count(*)::int AS orders, sum((data->>'total')::bigint) AS revenue FROM journey.events WHERE type = 'PurchaseCompleted'`,
    );
    expect(weekly.sales.reduce((sum, row) => sum + row.orders, 0)).toBe(rows[0]!.orders);
    expect(weekly.sales.reduce((sum, row) => sum + row.revenue, 0)).toBe(Number(rows[0]!.revenue));
  });

  it('answers a key what it is on GET /v1/me', async () => {
    expect(await api('/v1/me', keys.auditor)).toMatchObject({ role: 'auditor', roles: ['auditor'] });
  });

  it('shows marketing the overview with the API counts and sums, in both languages', async () => {
    const page = await signIn(keys.marketing);
    const funnel = await api<{ stages: Record<string, number> }>('/v1/analytics/funnel', keys.marketing);
    const weekly = await api<{ sales: Array<{ currency: string; orders: number; revenue: number; refunds: number }> }>('/v1/analytics/weekly', keys.marketing);
    const value = await api<{ tiers: Record<string, number>; unscored: number }>('/v1/analytics/value', keys.marketing);
    await open(page, 'overview');
    const total = Object.values(funnel.stages).reduce((a, b) => a + b, 0);
    expect(total).toBe(CUSTOMERS);
    await page.waitForSelector('[data-testid=total-customers]');
    expect(await page.textContent('[data-testid=total-customers]')).toBe(formatCount(total, 'en-GB'));
    for (const [stage, customers] of Object.entries(funnel.stages)) {
      expect(await page.textContent(`[data-testid=stages] tr[data-stage=${stage}] td.num`)).toBe(formatCount(customers, 'en-GB'));
    }
    const currency = mainCurrency(weekly.sales.map((row) => ({ ...row, week: '' })))!;
    const ofCurrency = weekly.sales.filter((row) => row.currency === currency);
    expect(ofCurrency.length).toBeGreaterThan(0);
    await page.waitForSelector('[data-testid=weekly-orders]');
    expect(await page.textContent('[data-testid=weekly-orders]')).toBe(formatCount(ofCurrency.reduce((s, r) => s + r.orders, 0), 'en-GB'));
    expect(await page.textContent('[data-testid=weekly-revenue]')).toBe(formatMoney(ofCurrency.reduce((s, r) => s + r.revenue - r.refunds, 0), currency, 'en-GB'));
    for (const [tier, customers] of Object.entries(value.tiers)) {
      expect(await page.textContent(`[data-testid=tiers] tr[data-tier=${tier}] td.num`)).toBe(formatCount(customers, 'en-GB'));
    }
    await page.waitForSelector('[data-chart=retention] canvas');
    const nav = await page.locator('header nav a').allTextContents();
    expect(nav).not.toContain('Audit');
    await screenshots(page, 'overview', '[data-chart=funnel] canvas');
    await page.selectOption('header select[aria-label=language]', 'zh');
    expect(await page.locator('header nav a').first().textContent()).toBe('概览');
    await page.selectOption('header select[aria-label=language]', 'en');
    await page.close();
  });

  it('shows marketing a customer found by e-mail: the 360 and the timeline the API answers', async () => {
    const page = await signIn(keys.marketing);
    const list = await api<{ customers: Array<{ customerId: string; email: string | null }> }>('/v1/customers?stage=repeat,loyal&limit=1', keys.marketing);
    const chosen = list.customers[0]!;
    const detail = await api<{ commerce: { orders: number; base: { netRevenue: number; currency: string } } }>(`/v1/customers/${chosen.customerId}`, keys.marketing);
    const stream = await api<{ events: Array<{ eventId: string }> }>(`/v1/streams/customer-${chosen.customerId}/events?limit=1000`);
    const journey = await api<{ events: Array<{ eventId: string }>; decisions: Array<{ ruleId: string }>; next: number | null }>(`/v1/customers/${chosen.customerId}/journey?limit=1000`, keys.marketing);
    expect(journey.next).toBeNull();
    expect(journey.events.map((event) => event.eventId)).toEqual(stream.events.map((event) => event.eventId).reverse());
    await open(page, 'customer');
    await page.fill('main input', chosen.email!);
    await page.click('main button[type=submit]');
    await page.waitForSelector(`[data-testid=profile][data-customer="${chosen.customerId}"]`);
    expect(await page.textContent('[data-field=orders]')).toBe(formatCount(detail.commerce.orders, 'en-GB'));
    expect(await page.textContent('[data-field=net-revenue]')).toBe(formatMoney(detail.commerce.base.netRevenue, detail.commerce.base.currency, 'en-GB'));
    // The whole stream, a page of 200 at a time (older pages on request), with the rules' decisions among the events.
    await page.waitForSelector('[data-testid=timeline] tr');
    while ((await page.locator('main button:text-is("Next page")').count()) > 0) {
      const pages = await page.locator('[data-testid=timeline]').count();
      await page.click('main button:text-is("Next page")');
      await until(async () => ((await page.locator('[data-testid=timeline]').count()) > pages ? true : undefined), 60_000, 'the older page of the timeline');
    }
    const shown = await page.locator('[data-testid=timeline] tr[data-event]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event')));
    expect([...shown].sort()).toEqual(stream.events.map((event) => event.eventId).sort());
    expect(await page.locator('[data-testid=timeline] tr[data-decision]').count()).toBe(journey.decisions.length);
    await screenshots(page, 'customer', '[data-testid=profile]');
    await page.close();
  });

  it('says there is no such customer when neither an id nor an e-mail matches the search, and shows the error when the search fails', async () => {
    const page = await signIn(keys.marketing);
    await open(page, 'customer');
    for (const search of ['nobody-at-all@example.invalid', 'nobody-at-all']) {
      await page.fill('main input', search);
      await page.click('main button[type=submit]');
      await page.waitForSelector('main[data-page=customer] p:text-is("No such customer.")');
    }
    await page.route('**/v1/customers/**', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ title: 'The read model is rebuilding' }) }));
    await page.fill('main input', 'anyone');
    await page.click('main button[type=submit]');
    await page.waitForSelector('main[data-page=customer] [role=alert]');
    expect(await page.textContent('main[data-page=customer] [role=alert]')).toContain('The read model is rebuilding');
    await page.close();
  });

  it('opens a customer whose id holds an @ by that id, from the search and from the address', async () => {
    const customerId = 'buyer@shop.example';
    const event = {
      eventId: '5a0c5f7e-1f0e-4f43-9a1e-0c4b1c6d7e01',
      type: 'PurchaseCompleted',
      customerId,
      occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
      source: 'shop',
      data: { orderId: 'o-at-1', items: [{ sku: 'SKU-1', category: 'shoes', quantity: 1, unitPrice: 8999 }], total: 8999, currency: 'EUR' },
    };
    await api('/v1/events', undefined, { method: 'POST', body: event });
    await until(async () => ((await fetch(`${engine.url}/v1/customers/${encodeURIComponent(customerId)}`, { headers: { authorization: `Bearer ${keys.marketing}` } })).ok ? true : undefined), 60_000, 'the 360 of the new buyer');
    const page = await signIn(keys.marketing);
    await open(page, 'customer');
    await page.fill('main input', customerId);
    await page.click('main button[type=submit]');
    await page.waitForSelector(`[data-testid=profile][data-customer="${customerId}"]`);
    await page.goto(`${engine.url}/app/#/overview`);
    await page.goto(`${engine.url}/app/#/customer/${encodeURIComponent(customerId)}`);
    await page.waitForSelector(`[data-testid=profile][data-customer="${customerId}"]`);
    await page.close();
  });

  it('shows what a card fails to draw in that card, and keeps the rest of the console', async () => {
    const page = await signIn(keys.marketing);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const someone = (await api<{ customers: Array<{ customerId: string }> }>('/v1/customers?limit=1', keys.marketing)).customers[0]!.customerId;
    // A 360 without its commerce figures: the profile cannot draw it.
    await page.route((url) => url.pathname === `/v1/customers/${encodeURIComponent(someone)}`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ customerId: someone, profile: {} }) }));
    await page.goto(`${engine.url}/app/#/customer/${encodeURIComponent(someone)}`);
    await page.waitForSelector('main[data-page=customer] section[aria-label=Profile] [data-state=broken]');
    expect(await page.textContent('section[aria-label=Profile] [data-state=broken]')).toContain('This part of the console failed to show');
    await page.waitForSelector('section[aria-label=Timeline] [data-testid=timeline]');
    expect({ errors, header: await page.locator('header nav').count() }).toEqual({ errors: [], header: 1 });
    await page.close();
  });

  it('shows marketing the rules with their results, an editor that shows validation inline, and a dry run', async () => {
    const page = await signIn(keys.marketing);
    const rules = await api<{ rules: Array<{ id: string }> }>('/v1/rules', keys.marketing);
    await open(page, 'journeys');
    await page.waitForSelector('[data-testid=rules]');
    expect(await page.locator('[data-testid=rules] tbody tr').count()).toBe(rules.rules.length);
    await page.click('[data-rule=thanks] a');
    await page.waitForSelector('textarea[aria-label="rule definition"]');
    await page.fill('textarea[aria-label="rule definition"]', JSON.stringify({ id: 'thanks', name: 'Thank buyers', trigger: { event: 'PurchaseCompleted' }, action: { channel: 'pigeon', target: 'x', template: 'hi' } }));
    await page.click('text=Save');
    await page.waitForSelector('[data-testid=rule-problems]');
    expect(await page.textContent('[data-testid=rule-problems]')).toContain('action.channel');
    const buyer = (await api<{ customers: Array<{ customerId: string }> }>('/v1/customers?stage=repeat&limit=1', keys.marketing)).customers[0]!;
    await page.fill('input[aria-label="Customer id"]', buyer.customerId);
    await page.click('button:text-is("Run")');
    await page.waitForSelector('[data-testid=dry-run], main p.error');
    expect(await page.locator('main p.error').allTextContents()).toEqual([]);
    expect(await page.locator('[data-testid=dry-run] td.pass').count()).toBeGreaterThan(0);
    await screenshots(page, 'journeys', '[data-testid=rules]');
    await page.close();
  });

  it("shows no figure for the rules' results until they come, and the engine's error when they fail", async () => {
    const page = await signIn(keys.marketing);
    await page.route('**/v1/rules/results', (route) => route.fulfill({ status: 500, contentType: 'application/problem+json', body: JSON.stringify({ title: 'The results are being rebuilt' }) }));
    await open(page, 'journeys');
    await page.waitForSelector('main[data-page=journeys] [role=alert]');
    expect(await page.textContent('main[data-page=journeys] [role=alert]')).toContain('The results are being rebuilt');
    expect(await page.textContent('[data-rule=thanks] [data-field=matched]')).toBe('—');
    expect(await page.textContent('[data-rule=thanks] [data-field=dispatched]')).toBe('—');
    await page.close();
  });

  it('shows segments as the API has them: sizes, a live preview count, members; or says the engine has none', async () => {
    const page = await signIn(keys.marketing);
    const listed = await fetch(`${engine.url}/v1/segments`, { headers: { authorization: `Bearer ${keys.marketing}` } });
    await open(page, 'segments');
    if (listed.status === 404) {
      await page.waitForSelector('main[data-page=segments] [data-state=unavailable]');
    } else {
      const definition = { id: 'console-first-timers', name: 'First-time buyers', conditions: { field: 'stage', op: 'eq', value: 'first_time' } };
      // Stages move while the engine runs: compare what the page shows with what the API answers at that moment.
      const previewNow = async () => formatCount((await api<{ count: number }>('/v1/segments/preview', keys.marketing, { method: 'POST', body: definition })).count, 'en-GB');
      await page.click('main button:text-is("JSON (advanced)")');
      await page.fill('textarea[aria-label=Builder]', JSON.stringify(definition));
      await until(async () => ((await page.textContent('[data-testid=preview-count]')) === (await previewNow()) ? true : undefined), 60_000, 'the live preview count');
      await page.click('main button:text-is("Save")');
      await page.waitForSelector('[data-testid=segments] tr[data-segment=console-first-timers]');
      const sizeNow = async () => (await api<{ segments: Array<{ id: string; size: number }> }>('/v1/segments', keys.marketing)).segments.find((s) => s.id === definition.id)?.size;
      await until(async () => ((await sizeNow()) !== undefined && formatCount((await sizeNow())!, 'en-GB') === (await previewNow()) ? true : undefined), 120_000, 'the backfill of the new segment');
      await until(async () => {
        await page.reload();
        await page.click('[data-segment=console-first-timers] a');
        const shown = await page.textContent('[data-segment=console-first-timers] [data-field=size]');
        return shown === formatCount((await sizeNow())!, 'en-GB') ? true : undefined;
      }, 60_000, 'the size shown');
      const members = await api<{ members: Array<{ customerId: string }> }>(`/v1/segments/${definition.id}/members?limit=50`, keys.marketing);
      await page.waitForSelector('[data-testid=members]');
      const shown = await page.locator('[data-testid=members] tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-member')));
      expect(shown).toEqual(members.members.map((member) => member.customerId));
    }
    await screenshots(page, 'segments', 'main[data-page=segments] h2');
    await page.close();
  });

  it('builds a segment through the form: problems beside their inputs, the live count the API previews, the JSON view the same definition, saved and listed', async () => {
    const listed = await fetch(`${engine.url}/v1/segments`, { headers: { authorization: `Bearer ${keys.marketing}` } });
    if (listed.status === 404) return;
    const page = await signIn(keys.marketing);
    await open(page, 'segments');
    await page.waitForSelector('[data-testid=segment-form]');
    const at = (path: string, selector: string) => `[data-path="${path}"] > .row ${selector}`;
    await page.fill('input[aria-label="Segment id"]', 'console-built');
    await page.fill('input[aria-label="Segment name"]', 'Repeat buyers who spent');
    // The new segment starts as all of [stage is first_time]: make it repeat buyers.
    await page.selectOption(at('conditions.all[0]', 'select[aria-label=Value]'), 'repeat');
    // An event-history condition, first with a window the API refuses: its reason shows beside it.
    await page.selectOption('[data-path=conditions] > .children > .row select[aria-label="Condition kind"]', 'event');
    await page.click('button[aria-label="Add conditions"]');
    await page.fill(at('conditions.all[1]', 'input[aria-label=duration]'), '400');
    await page.waitForSelector('[data-path="conditions.all[1]"] > .field-error');
    expect(await page.textContent('[data-path="conditions.all[1]"] > .field-error')).toContain('conditions.all[1].within');
    await page.fill(at('conditions.all[1]', 'input[aria-label=duration]'), '200');
    await page.waitForSelector('[data-path="conditions.all[1]"] > .field-error', { state: 'detached' });
    // Net revenue typed in major units of its currency.
    await page.selectOption('[data-path=conditions] > .children > .row select[aria-label="Condition kind"]', 'field');
    await page.click('button[aria-label="Add conditions"]');
    await page.selectOption(at('conditions.all[2]', 'select[aria-label=Field]'), 'netRevenue');
    const currency = await page.inputValue(at('conditions.all[2]', 'input[aria-label=Key]'));
    await page.fill(at('conditions.all[2]', 'input[aria-label=Value]'), '10');
    const definition = {
      id: 'console-built',
      name: 'Repeat buyers who spent',
      conditions: {
        all: [
          { field: 'stage', op: 'eq', value: 'repeat' },
          { event: 'PurchaseCompleted', atLeast: 1, within: '200d' },
          { field: `netRevenue.${currency}`, op: 'gte', value: minorUnits('10', currency) },
        ],
      },
    };
    const previewNow = async () => formatCount((await api<{ count: number }>('/v1/segments/preview', keys.marketing, { method: 'POST', body: definition })).count, 'en-GB');
    await until(async () => ((await page.textContent('[data-testid=preview-count]')) === (await previewNow()) ? true : undefined), 60_000, 'the live preview count of the form');
    // The JSON view says the same definition, and the form reads it back.
    await page.click('main button:text-is("JSON (advanced)")');
    expect(JSON.parse(await page.inputValue('textarea[aria-label=Builder]'))).toEqual(definition);
    await page.click('main button:text-is("Form")');
    await page.waitForSelector('[data-path="conditions.all[2]"]');
    expect(await page.inputValue(at('conditions.all[2]', 'input[aria-label=Value]'))).toBe(majorText(definition.conditions.all[2]!.value as number, currency));
    await page.click('main button:text-is("Save")');
    await page.waitForSelector('[data-testid=segments] tr[data-segment=console-built]');
    expect((await api<{ definition: unknown }>('/v1/segments/console-built', keys.marketing)).definition).toEqual(definition);
    await page.close();
  });

  it("opens another segment's members at their first page, whichever page the previous segment was on", async () => {
    const listed = await fetch(`${engine.url}/v1/segments`, { headers: { authorization: `Bearer ${keys.marketing}` } });
    if (listed.status === 404) return;
    for (const id of ['everyone-a', 'everyone-b']) await api('/v1/segments', keys.marketing, { method: 'POST', body: { id, name: id, conditions: { field: 'orders', op: 'gte', value: 0 } } });
    const sizes = async () => (await api<{ segments: Array<{ id: string; size: number }> }>('/v1/segments', keys.marketing)).segments.filter((s) => s.id.startsWith('everyone-'));
    await until(async () => ((await sizes()).every((s) => s.size > 50) ? true : undefined), 120_000, 'the backfills of both segments');
    const firstOfB = (await api<{ members: Array<{ customerId: string }> }>('/v1/segments/everyone-b/members?limit=50', keys.marketing)).members[0]!.customerId;
    const page = await signIn(keys.marketing);
    await open(page, 'segments');
    const firstShown = () => page.locator('[data-testid=members] tr[data-member]').first().getAttribute('data-member');
    await page.click('[data-segment=everyone-a] a');
    await page.waitForSelector('[data-testid=members] tr[data-member]');
    const firstOfA = await firstShown();
    await page.click('main button:text-is("Next page")');
    await until(async () => ((await firstShown()) !== firstOfA ? true : undefined), 30_000, 'the second page of everyone-a');
    await page.click('[data-segment=everyone-b] a');
    await until(async () => ((await firstShown()) === firstOfB ? true : undefined), 30_000, 'the first page of everyone-b');
    expect(await page.locator('main button:text-is("←")').count()).toBe(0);
    await page.close();
  });

  it('previews the count of the definition last typed: an older, slower answer never replaces it, and a failed preview shows no count', async () => {
    const listed = await fetch(`${engine.url}/v1/segments`, { headers: { authorization: `Bearer ${keys.marketing}` } });
    if (listed.status === 404) return;
    const page = await signIn(keys.marketing);
    // The preview of `orders gte 1` answers late, of `orders gte 2` at once; `orders gte 3` is refused.
    await page.route('**/v1/segments/preview', async (route) => {
      const { conditions } = route.request().postDataJSON() as { conditions: { value?: unknown } };
      const answer = (status: number, body: unknown) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) }).catch(() => undefined);
      if (conditions.value === 1) return new Promise<void>((resolve) => setTimeout(() => void answer(200, { count: 111 }).then(resolve), 3000));
      if (conditions.value === 2) return answer(200, { count: 222 });
      if (conditions.value === 3) return answer(400, { title: 'Bad Request', errors: [{ field: 'conditions.value', reason: 'is refused' }] });
      return route.continue();
    });
    await open(page, 'segments');
    await page.click('main button:text-is("JSON (advanced)")');
    const type = (value: number) => page.fill('textarea[aria-label=Builder]', JSON.stringify({ id: 'typed', name: 'typed', conditions: { field: 'orders', op: 'gte', value } }));
    await type(1);
    await page.waitForRequest((request) => request.url().endsWith('/v1/segments/preview') && (request.postDataJSON() as { conditions: { value?: unknown } }).conditions.value === 1);
    await type(2);
    await until(async () => ((await page.textContent('[data-testid=preview-count]')) === formatCount(222, 'en-GB') ? true : undefined), 30_000, 'the preview of the definition typed last');
    await page.waitForTimeout(3500);
    expect(await page.textContent('[data-testid=preview-count]')).toBe(formatCount(222, 'en-GB'));
    await type(3);
    await page.waitForSelector('[data-testid=segment-problems]');
    expect(await page.textContent('[data-testid=preview-count]')).toBe('—');
    await page.close();
  });

  it('shows the forecast, its backtest and the prediction summary as the API has them; or says the engine has none', async () => {
    const page = await signIn(keys.marketing);
    // Where the engine has predictions, fit the models now (admin) rather than wait for the schedule.
    const fit = await fetch(`${engine.url}/v1/predictions/fit`, { method: 'POST', headers: engine.headers() });
    expect([200, 404]).toContain(fit.status);
    const forecast = await fetch(`${engine.url}/v1/analytics/forecast?weeks=13`, { headers: { authorization: `Bearer ${keys.marketing}` } });
    await open(page, 'predictions');
    if (forecast.status === 404) {
      await page.waitForSelector('main[data-page=predictions] [data-state=unavailable]');
    } else {
      const report = (await forecast.json()) as { totals: { orders: number } };
      await page.waitForSelector('[data-testid=forecast-orders]');
      expect(await page.textContent('[data-testid=forecast-orders]')).toBe(formatCount(report.totals.orders, 'en-GB'));
      const summary = await api<{ clvDeciles: unknown[] }>('/v1/analytics/predictions', keys.marketing);
      await page.waitForSelector('[data-testid=clv-deciles]');
      expect(await page.locator('[data-testid=clv-deciles] tr').count()).toBe(summary.clvDeciles.length);
    }
    await screenshots(page, 'predictions', 'main[data-page=predictions] h2');
    await page.close();
  });

  it("shows a scored customer's predictions on their 360, as the API answers them", async () => {
    const fit = await fetch(`${engine.url}/v1/predictions/fit`, { method: 'POST', headers: engine.headers() });
    expect([200, 404]).toContain(fit.status);
    if (fit.status === 404) return;
    type Detail = { customerId: string; predictions: { expectedPurchases90d: number; clv: number; currency: string } | null };
    const { customers } = await api<{ customers: Array<{ customerId: string }> }>('/v1/customers?stage=repeat,loyal&limit=20', keys.marketing);
    const details = await Promise.all(customers.map((c) => api<Detail>(`/v1/customers/${c.customerId}`, keys.marketing)));
    const scored = details.find((detail) => detail.predictions !== null)!;
    const page = await signIn(keys.marketing);
    await page.goto(`${engine.url}/app/#/customer/${scored.customerId}`);
    await page.waitForSelector(`[data-testid=profile][data-customer="${scored.customerId}"] [data-field=clv]`);
    expect(await page.textContent('[data-field=clv]')).toBe(formatMoney(scored.predictions!.clv, scored.predictions!.currency, 'en-GB'));
    expect(await page.textContent('[data-field=expected-90d]')).toBe(scored.predictions!.expectedPurchases90d.toFixed(2));
    await page.close();
  });

  it('gives an auditor the audit page and no rule editor: hashes, verify, replay check and the access log', async () => {
    const page = await signIn(keys.auditor);
    const nav = await page.locator('header nav a').allTextContents();
    expect(nav).toContain('Audit');
    expect(nav).not.toContain('Journeys');
    await page.goto(`${engine.url}/app/#/journeys`);
    expect(await page.locator('textarea[aria-label="rule definition"]').count()).toBe(0);
    const someone = (await api<{ customers: Array<{ customerId: string }> }>('/v1/customers?limit=1')).customers[0]!.customerId;
    const stream = await api<{ events: Array<{ eventId: string }> }>(`/v1/streams/customer-${someone}/events?limit=1000`, keys.auditor);
    await open(page, 'audit');
    await page.fill('input[aria-label=Stream]', `customer-${someone}`);
    await page.click('text=Show');
    await page.waitForSelector('[data-testid=stream-events] tr');
    expect(await page.locator('[data-testid=stream-events] tr').count()).toBe(stream.events.length);
    await page.click('button:text-is("Verify")');
    await page.waitForSelector('[data-testid=verify-result].pass');
    await page.click('text=Start');
    await page.waitForSelector('[data-testid=replay-progress]');
    await page.waitForSelector('[data-testid=replay-result]', { timeout: 240_000 });
    expect(await page.getAttribute('[data-testid=replay-result]', 'class')).toBe('pass');
    expect(await page.getAttribute('[data-testid=replay-progress]', 'value')).toBe('1');
    await page.waitForSelector('[data-testid=access-log] tr');
    await screenshots(page, 'audit', '[data-testid=access-log]');
    await open(page, 'customer');
    await page.fill('main input', someone);
    await page.click('main button[type=submit]');
    await page.click('text=Show');
    await page.waitForSelector('[data-testid=as-of]');
    await page.close();
  });

  it('shows operations: health, lag per consumer, dead letters', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${engine.url}/app/`);
    await page.fill('input[name=apiKey]', engine.headers().authorization!.replace('Bearer ', ''));
    await page.click('button[type=submit]');
    await open(page, 'operations');
    await page.waitForSelector('[data-testid=health] .pass');
    await page.waitForSelector('[data-testid=lag] tr[data-consumer]');
    await page.waitForSelector('[data-testid=dead-letters]');
    // The replay check the auditor ran is listed among the long jobs, finished.
    const { jobs } = await api<{ jobs: Array<{ id: string; status: string }> }>('/v1/audit/replay-checks', keys.auditor);
    expect(jobs.length).toBeGreaterThan(0);
    await page.waitForSelector(`[data-testid=jobs] tr[data-job="${jobs[0]!.id}"]`);
    expect(await page.textContent(`[data-testid=jobs] tr[data-job="${jobs[0]!.id}"]`)).toContain(jobs[0]!.status);
    await screenshots(page, 'operations', '[data-testid=lag]');
    await page.close();
  });
});
