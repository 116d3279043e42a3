import { foreignCharset, MAX_BODY_DEPTH, nulInUrl, unstorableInBody } from './hostile-input';

describe('nulInUrl', () => {
  it.each([
    ['/v1/customers/%00', 'path'],
    ['/v1/streams/%00/events?limit=1', 'path'],
    ['/v1/audit/access-log?keyId=%00', 'keyId'],
    ['/v1/customers?stage=first_time&city=a%00b', 'city'],
    ['/v1/customers?c%69ty=%00', 'city'],
    ['/v1/customers?x%00=1', 'query'],
  ])('finds the NUL of %s in %s', (url, field) => {
    expect(nulInUrl(url)?.field).toBe(field);
  });

  it('passes URLs without one, a literal "%2500" included', () => {
    expect(nulInUrl('/v1/customers?city=100%2500&stage=repeat')).toBeUndefined();
    expect(nulInUrl('/v1/customers/c-42')).toBeUndefined();
  });

  it('names a parameter in a form fit to echo', () => {
    const field = nulInUrl(`/v1/customers?${'%01'.repeat(300)}=%00`)?.field;
    expect(field).toMatch(/^\uFFFD{100}…$/);
  });
});

describe('foreignCharset', () => {
  it.each([
    ['application/json; charset=utf-16', 'utf-16'],
    ['application/json;charset="ISO-8859-1"', 'ISO-8859-1'],
  ])('names the charset of %s', (header, charset) => {
    expect(foreignCharset(header)).toBe(charset);
  });

  it.each([undefined, 'application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF8'])('passes %s', (header) => {
    expect(foreignCharset(header)).toBeUndefined();
  });
});

describe('unstorableInBody', () => {
  it('names the field holding a NUL or a lone surrogate', () => {
    expect(unstorableInBody({ id: '\u0000' })).toEqual({ field: 'id', reason: 'must not contain the NUL character' });
    expect(unstorableInBody({ rule: { actions: [{ target: 'ok' }, { target: 'a\uD800' }] } })?.field).toBe('rule.actions[1].target');
    expect(unstorableInBody({ ['k\u0000']: 1 })?.reason).toMatch(/key/);
    expect(unstorableInBody('\uDC00')?.field).toBe('body');
  });

  it('passes ordinary bodies, surrogate pairs included', () => {
    expect(unstorableInBody({ name: 'Zoë 😀', tags: ['a', 1, null, true], nested: { deep: [{}] } })).toBeUndefined();
  });

  it('refuses nesting beyond its bound without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableInBody(deep)?.reason).toBe(`is nested more than ${MAX_BODY_DEPTH} levels deep`);
  });
});
