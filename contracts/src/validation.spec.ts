import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SAMPLE_DATA, sampleEvent } from '../../test/support/sample-events';
import { EVENT_CATALOGUE, isDerivedType, type EventType } from './catalogue';
import { compileContract } from './compiled-contract';
import { piiFieldsOf } from './pii';
import { validateEvent, type ValidationResult } from './validation';

const now = new Date('2026-03-01T12:00:00Z');
const TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

function fields(result: ValidationResult): string[] {
  return result.ok ? [] : result.errors.map((error) => error.field);
}

describe('validateEvent', () => {
  it.each(TYPES)('accepts a valid %s', (type) => {
    const result = validateEvent(sampleEvent(type), { now, allowDerived: true });
    expect(result).toMatchObject({ ok: true, event: { type, version: 1 } });
  });

  it.each(TYPES.filter(isDerivedType))('refuses the derived %s from upstream apps', (type) => {
    const result = validateEvent(sampleEvent(type), { now });
    expect(result.ok).toBe(false);
    expect(fields(result)).toEqual(['type']);
  });

  it('refuses CustomerForgotten from upstream apps, pointing to the forget route: only an admin forgets a customer', () => {
    const result = validateEvent(sampleEvent('CustomerForgotten'), { now });
    expect(result).toEqual({ ok: false, errors: [{ field: 'type', reason: expect.stringMatching(/^CustomerForgotten cannot be published: .*POST \/v1\/customers\/\{customerId\}\/forget/) }] });
  });

  it('leaves CustomerForgotten out of the types it names as publishable', () => {
    const result = validateEvent({ ...sampleEvent('PageViewed'), type: 'CustomerErased' }, { now });
    const reason = result.ok ? '' : result.errors.find((error) => error.field === 'type')!.reason;
    expect(reason).toMatch(/\(known: .*CustomerRegistered/);
    expect(reason).not.toMatch(/CustomerForgotten/);
  });

  it('takes a purchase without lines (an order that names only what was paid), though not one without its items array', () => {
    const { items: _items, ...order } = SAMPLE_DATA.PurchaseCompleted;
    expect(validateEvent(sampleEvent('PurchaseCompleted', { data: { ...order, items: [] } }), { now }).ok).toBe(true);
    expect(fields(validateEvent(sampleEvent('PurchaseCompleted', { data: order }), { now }))).toContain('data.items');
  });

  it('takes a product view without a price, or with a price in its currency', () => {
    expect(validateEvent(sampleEvent('ProductViewed', { data: { sku: 'SKU-1' } }), { now }).ok).toBe(true);
    expect(validateEvent(sampleEvent('ProductViewed', { data: { sku: 'SKU-1', price: 8999, currency: 'EUR' } }), { now }).ok).toBe(true);
  });

  it('refuses a derived conversion value without its currency', () => {
    const { currency: _currency, ...data } = { ...SAMPLE_DATA.ConversionAttributed, value: 8999, currency: 'EUR' };
    const result = validateEvent(sampleEvent('ConversionAttributed', { data }), { now, allowDerived: true });
    expect(result).toEqual({ ok: false, errors: [{ field: 'data.currency', reason: expect.stringMatching(/currency of value/) }] });
  });

  it('names the types that can be published when the type is unknown', () => {
    const result = validateEvent({ ...sampleEvent('PageViewed'), type: 'PurchaseMade' }, { now });
    const reason = result.ok ? '' : result.errors.find((error) => error.field === 'type')!.reason;
    expect(reason).toMatch(/^is not a known event type: PurchaseMade \(known: .*PurchaseCompleted/);
    expect(reason).not.toMatch(/LifecycleStageChanged/);
  });

  it('repeats at most 100 characters of an unknown type, a surrogate pair cut in two replaced', () => {
    const result = validateEvent({ ...sampleEvent('PageViewed'), type: `${'X'.repeat(99)}\u{1F600}${'Y'.repeat(5000)}` }, { now });
    const reason = result.ok ? '' : result.errors.find((error) => error.field === 'type' && error.reason.startsWith('is not a known'))!.reason;
    expect(reason).toMatch(new RegExp(`^is not a known event type: X{99}\uFFFD… \\(known: `));
    expect(reason.isWellFormed()).toBe(true);
  });

  it('names the first 50 problems of an event and counts the rest', () => {
    // 60 KB, under the event limit: 20,000 items without sku, quantity or unit price.
    const items = Array.from({ length: 20_000 }, () => ({}));
    const result = validateEvent(sampleEvent('PurchaseCompleted', { data: { ...SAMPLE_DATA.PurchaseCompleted, items } }), { now });
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(51);
    expect(errors.slice(0, 3).map((error) => error.field)).toEqual(['data.items', 'data.items[0].sku', 'data.items[0].quantity']);
    expect(errors[50]).toEqual({ field: '', reason: expect.stringMatching(/^and \d+ more problems, not listed$/) });
    expect(Buffer.byteLength(JSON.stringify(errors))).toBeLessThan(16 * 1024);
  });

  it('names the first 50 structural problems and counts the rest', () => {
    const result = validateEvent({ ...sampleEvent('CustomEvent'), data: { name: 'x', properties: { list: Array.from({ length: 1000 }, () => 'a\u0000') } } }, { now });
    expect(result).toMatchObject({ ok: false, errors: expect.arrayContaining([{ field: '', reason: 'and 950 more problems, not listed' }]) });
    expect(result.ok ? 0 : result.errors.length).toBe(51);
  });

  it('normalises the envelope: UTC milliseconds, lower-case id, version and metadata defaulted', () => {
    const input = { ...sampleEvent('PageViewed'), occurredAt: '2026-03-01T13:00:00+01:00', eventId: 'ABCDEF12-3456-4789-8ABC-DEF012345678' };
    delete (input as { metadata?: unknown }).metadata;
    const result = validateEvent(input, { now });
    expect(result).toMatchObject({
      ok: true,
      event: { occurredAt: '2026-03-01T12:00:00.000Z', eventId: 'abcdef12-3456-4789-8abc-def012345678', version: 1, metadata: {} },
    });
  });

  it('accepts events up to five minutes ahead of the clock and refuses later ones', () => {
    expect(validateEvent({ ...sampleEvent(), occurredAt: '2026-03-01T12:04:59Z' }, { now }).ok).toBe(true);
    expect(fields(validateEvent({ ...sampleEvent(), occurredAt: '2026-03-01T12:05:01Z' }, { now }))).toEqual(['occurredAt']);
  });

  it('counts the bytes of a large event exactly, in UTF-8 and with escapes', () => {
    const withNote = (note: string) => sampleEvent('CustomerProfileUpdated', { data: { attributes: { note } } });
    const size = (note: string) => Buffer.byteLength(JSON.stringify(withNote(note)));
    const ascii = 'x'.repeat(65_000);
    expect(size(ascii)).toBeLessThan(64 * 1024);
    expect(validateEvent(withNote(ascii), { now }).ok).toBe(true);
    // As many characters, but each takes two bytes: UTF-8 for é, an escape for a quote.
    for (const wide of ['é'.repeat(33_000), '"'.repeat(33_000)]) {
      expect(size(wide)).toBeGreaterThan(64 * 1024);
      const result = validateEvent(withNote(wide), { now });
      expect(result).toMatchObject({ ok: false, errors: [{ field: '', reason: `is ${size(wide)} bytes; an event may be at most 65536 bytes` }] });
    }
  });

  const purchase = (data: Record<string, unknown>) => sampleEvent('PurchaseCompleted', { data: { ...SAMPLE_DATA.PurchaseCompleted, ...data } });
  const cases: Array<[string, unknown, string[]]> = [
    ['not an object', [1, 2], ['']],
    ['an unknown envelope field', { ...sampleEvent(), extra: 1 }, ['extra']],
    ['an unknown data field', purchase({ discount: 5 }), ['data.discount']],
    ['money as a string', purchase({ total: '10496' }), ['data.total']],
    ['money as a float', purchase({ total: 104.96 }), ['data.total']],
    ['negative money', purchase({ total: -1 }), ['data.total']],
    ['a lower-case currency', purchase({ currency: 'eur' }), ['data.currency']],
    ['a product price without its currency', sampleEvent('ProductViewed', { data: { sku: 'SKU-1', price: 8999 } }), ['data.currency']],
    ['an unknown currency', purchase({ currency: 'EUX' }), ['data.currency']],
    ['a zero quantity in an item', purchase({ items: [{ sku: 'A', quantity: 0, unitPrice: 1 }] }), ['data.items[0].quantity']],
    ['a float unit price in an item', purchase({ items: [{ sku: 'A', quantity: 1, unitPrice: 0.5 }] }), ['data.items[0].unitPrice']],
    ['an unknown item field', purchase({ items: [{ sku: 'A', quantity: 1, unitPrice: 1, colour: 'red' }] }), ['data.items[0].colour']],
    ['more than 500 items', purchase({ items: Array.from({ length: 501 }, () => ({ sku: 'A', quantity: 1, unitPrice: 1 })) }), ['data.items']],
    ['a missing eventId', { ...sampleEvent(), eventId: undefined }, ['eventId']],
    ['a malformed eventId', { ...sampleEvent(), eventId: 'not-a-uuid' }, ['eventId']],
    ['both customerId and anonymousId', { ...sampleEvent(), anonymousId: 'v-1' }, ['anonymousId']],
    ['neither customerId nor anonymousId', { ...sampleEvent(), customerId: undefined }, ['customerId']],
    ['a null customerId', { ...sampleEvent(), customerId: null }, ['customerId']],
    ['a null anonymousId', { ...sampleEvent(), customerId: undefined, anonymousId: null }, ['anonymousId']],
    ['a null customerId beside an anonymousId', { ...sampleEvent(), customerId: null, anonymousId: 'v-1' }, ['customerId']],
    ['a local time without offset', { ...sampleEvent(), occurredAt: '2026-03-01T12:00:00' }, ['occurredAt']],
    ['an unknown type', { ...sampleEvent(), type: 'PurchaseMade' }, ['type']],
    ['an unsupported version', { ...sampleEvent(), version: 2 }, ['version']],
    ['a __proto__ key in data', { ...sampleEvent(), data: JSON.parse('{"__proto__": {"admin": true}}') }, ['data.__proto__']],
    ['a NUL character', purchase({ orderId: 'o\u0000' }), ['data.orderId']],
    ['a lone surrogate', purchase({ storeId: 'x\ud800' }), ['data.storeId']],
    ['metadata over 4 KiB', { ...sampleEvent(), metadata: { note: 'x'.repeat(5000) } }, ['metadata']],
    ['an event over 64 KiB', sampleEvent('PageViewed', { data: { url: 'https://x/', title: 'x'.repeat(70_000) } }), ['']],
    ['a customer id with spaces', { ...sampleEvent(), customerId: 'c 42' }, ['customerId']],
  ];

  it.each(cases)('refuses %s, naming the field', (_name, input, expected) => {
    const result = validateEvent(input, { now });
    expect(result.ok).toBe(false);
    expect(fields(result)).toEqual(expected);
  });

  // A clock well after these dates, so that a date rolled over into the future cannot be what refuses it.
  it.each([
    ['29 February of a common year', '2025-02-29T12:00:00Z'],
    ['30 February', '2026-02-30T12:00:00Z'],
    ['31 April', '2026-04-31T12:00:00Z'],
    ['hour 24', '2026-03-01T24:00:00Z'],
    ['minute 60', '2026-03-01T12:60:00+01:00'],
    ['a leap second', '2026-06-30T23:59:60Z'],
  ])('refuses an occurredAt on a date or at a time that does not exist: %s', (_name, occurredAt) => {
    const result = validateEvent({ ...sampleEvent(), occurredAt }, { now: new Date('2026-12-01T12:00:00Z') });
    expect(result).toEqual({ ok: false, errors: [{ field: 'occurredAt', reason: expect.stringMatching(/date and time that exist/) }] });
  });

  it('accepts 29 February of a leap year and the last instant of a day in any offset', () => {
    const later = { now: new Date('2026-12-01T12:00:00Z') };
    expect(validateEvent({ ...sampleEvent(), occurredAt: '2024-02-29T12:00:00Z' }, later)).toMatchObject({ ok: true, event: { occurredAt: '2024-02-29T12:00:00.000Z' } });
    expect(validateEvent({ ...sampleEvent(), occurredAt: '2026-03-01T23:59:59.999-05:00' }, later)).toMatchObject({ ok: true, event: { occurredAt: '2026-03-02T04:59:59.999Z' } });
  });
});

/**
 * The compiled contracts must never accept what class-validator refuses. Mutations of every
 * sample (each field removed, replaced by a value of another type, or joined by an unknown
 * field) are judged by both.
 */
describe('compiled contracts agree with class-validator', () => {
  const ODD_VALUES: unknown[] = [null, 0, -1, 1.5, '', 'x', true, [], {}, [{}], 'EUR', 1e20];

  function mutations(data: Record<string, unknown>): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [data, { ...data, unknownField: 1 }];
    for (const key of Object.keys(data)) {
      const without = { ...data };
      delete without[key];
      out.push(without);
      for (const odd of ODD_VALUES) out.push({ ...data, [key]: odd });
      const value = data[key];
      if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') {
        for (const itemKey of Object.keys(value[0] as object)) {
          for (const odd of ODD_VALUES) out.push({ ...data, [key]: [{ ...(value[0] as object), [itemKey]: odd }] });
        }
      }
    }
    return out;
  }

  it.each(TYPES)('%s', (type) => {
    const cls = EVENT_CATALOGUE[type].data as new () => object;
    const accept = compileContract(cls);
    let compared = 0;
    for (const candidate of mutations(SAMPLE_DATA[type])) {
      const reference = validateSync(plainToInstance(cls, candidate), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
      expect({ candidate, accepted: accept(candidate) }).toEqual({ candidate, accepted: reference.length === 0 });
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });
});

describe('PII marks', () => {
  it('marks personal data and only that', () => {
    expect(piiFieldsOf(EVENT_CATALOGUE.CustomerProfileUpdated.data)).toEqual(['birthday', 'city', 'email', 'name', 'phone']);
    expect(piiFieldsOf(EVENT_CATALOGUE.SearchPerformed.data)).toEqual(['query']);
    expect(piiFieldsOf(EVENT_CATALOGUE.PurchaseCompleted.data)).toEqual([]);
  });
});
