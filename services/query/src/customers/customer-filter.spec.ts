import { RequestRejectedError } from '@journey/platform';
import { filterSql, parseFilter } from './customer-filter';

function rejection(query: Record<string, unknown>, allowed: readonly string[] = []): RequestRejectedError {
  try {
    parseFilter(query, allowed);
  } catch (error) {
    if (error instanceof RequestRejectedError) return error;
    throw error;
  }
  throw new Error('the filter was accepted');
}

describe('reading the filters of a customer list', () => {
  it('reads lists, text, instants (in UTC), amounts and switches', () => {
    expect(
      parseFilter({
        stage: 'at_risk,churned',
        tier: 'high',
        country: 'DE',
        city: 'Köln',
        lastPurchaseBefore: '2026-01-31T12:00:00+02:00',
        lastPurchaseAfter: '2025-12-01',
        minRevenue: '10000',
        consent: 'email:marketing',
        openTicket: 'false',
      }),
    ).toEqual({
      stage: ['at_risk', 'churned'],
      tier: ['high'],
      segment: undefined,
      country: 'DE',
      city: 'Köln',
      lastPurchaseBefore: '2026-01-31T10:00:00.000Z',
      lastPurchaseAfter: '2025-12-01T00:00:00.000Z',
      minRevenue: 10000,
      consent: 'email:marketing',
      openTicket: false,
    });
  });

  it('reads a value named twice in a list as one value', () => {
    expect(parseFilter({ stage: 'prospect,at_risk,prospect', tier: 'high,high' })).toMatchObject({ stage: ['prospect', 'at_risk'], tier: ['high'] });
  });

  it('takes no filter as every customer', () => {
    expect(Object.values(parseFilter({})).every((value) => value === undefined)).toBe(true);
  });

  it('refuses with 400 naming every bad field and why, all at once', () => {
    const error = rejection({
      stage: 'loyal,vip',
      country: 'de',
      minRevenue: '-5',
      consent: 'email',
      openTicket: 'yes',
      lastPurchaseAfter: '2026-01-31T12:00:00',
      sort: 'name',
    });
    expect(error.status).toBe(400);
    expect(error.errors.map((e) => e.field).sort()).toEqual(['consent', 'country', 'lastPurchaseAfter', 'minRevenue', 'openTicket', 'sort', 'stage']);
    expect(error.errors).toContainEqual({ field: 'stage', reason: expect.stringMatching(/comma-separated.*; got vip$/) });
    expect(error.errors).toContainEqual({ field: 'sort', reason: expect.stringMatching(/^is not a filter \(filters: stage, tier/) });
  });

  it('refuses a filter given twice, and accepts the extra parameters its route allows', () => {
    expect(rejection({ tier: ['high', 'low'] }).errors).toEqual([{ field: 'tier', reason: 'must be given once, 1 to 200 characters' }]);
    expect(parseFilter({ tier: 'low', after: 'c-9', limit: '50' }, ['after', 'limit'])).toMatchObject({ tier: ['low'] });
  });
});

describe('the filters as SQL', () => {
  const rates = { base: 'EUR', rates: { USD: 0.92 } };

  it('leaves forgotten customers out, whatever the filters', () => {
    expect(filterSql({}, rates)).toEqual({ where: 'NOT c.forgotten', params: [] });
  });

  it('compares one value with = and several with ANY, numbering parameters from the first free one', () => {
    const { where, params } = filterSql({ stage: ['loyal'], tier: ['high', 'medium'], openTicket: true }, rates, 3);
    expect(where).toBe('NOT c.forgotten AND c.stage = $3 AND c.tier = ANY($4::text[]) AND jsonb_array_length(c.open_tickets) > 0');
    expect(params).toEqual(['loyal', ['high', 'medium']]);
  });

  it('converts revenue net of refunds to the base currency, each amount rounded as the 360 rounds it', () => {
    const { where, params } = filterSql({ minRevenue: 5000 }, { base: 'EUR', rates: { USD: 0.92, JPY: 0.0062 } });
    expect(where).toMatch(/sum\(round\(v\.value::numeric \* r\.value::numeric\)\).*jsonb_each_text\(c\.revenue\).* - .*jsonb_each_text\(c\.refunds\).* >= \$2$/);
    // The value of a minor unit of each currency in base minor units: a yen is worth 0.62 cents.
    expect(JSON.parse(params[0] as string)).toEqual({ EUR: '1', USD: '0.92', JPY: '0.62' });
    expect(params[1]).toBe(5000);
  });
});
