import fc from 'fast-check';

/** Text clients send to break things: NUL, lone surrogates, overlong, injections, dates no database holds. */
export const HOSTILE_TEXTS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00',
  '\uFFFF',
  '\u202Eevil',
  '😀',
  'Zoë',
  '\r\n',
  '\t',
  'A'.repeat(10_000),
  'é'.repeat(3_000),
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE journey.events; --',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  'NaN',
  'null',
  'true',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59.999Z',
  '2026-02-30',
  '2026-03-01T12:00:00',
  'customer-',
  'first_time,loyal,nope',
  'email:marketing',
];

/** Any UTF-16 code unit, NUL and lone surrogates included. */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 });

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TEXTS) },
  { weight: 2, arbitrary: codeUnits },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** Any JSON value a client could send in place of the right one. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-1, 0, 2 ** 53 + 2, 1e308, -0.5)) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, [], {}) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileText, hostileText, { maxKeys: 3 }) },
);

/**
 * A percent-encoded URL component for any text: UTF-8 for well-formed text, the bytes a lone
 * surrogate would have (ED A0 80: not UTF-8) for the rest, as a hostile client might send.
 */
export function encodeComponent(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i += 1;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

/** Raw fragments no encoder would make: malformed escapes, encoded separators, dot segments. */
export const rawFragment: fc.Arbitrary<string> = fc.constantFrom('%00', '%', '%zz', '%ED%A0%80', '%FF', '%C0%80', '%2e%2e', '..', '%2F', '%3F', '%23', '%25', ';x=1', '//', '%0A');

/** A path segment or query value: usually an encoded text, sometimes a raw fragment around it. */
export const urlComponent = (plausible: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...plausible).map(encodeComponent) },
    { weight: 3, arbitrary: hostileText.map(encodeComponent) },
    { weight: 1, arbitrary: fc.tuple(hostileText.map(encodeComponent), rawFragment).map(([text, raw]) => text + raw) },
  );

type Json = unknown;

/** Every path to a value inside a JSON document (the root too), as key lists. */
function pathsOf(value: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

/** The document with one change: a value replaced, a key removed, a key added. */
export function mutate(base: Json, pick: number, operation: 'replace' | 'remove' | 'add', value: Json, key: string): Json {
  const copy = structuredClone(base) as Json;
  const paths = pathsOf(copy);
  const path = paths[pick % paths.length]!;
  if (path.length === 0) return operation === 'replace' ? value : copy;
  const parent = path.slice(0, -1).reduce<Json>((node, step) => (node as Record<string | number, Json>)[step], copy) as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (operation === 'replace') parent[last] = value;
  else if (operation === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) Object.defineProperty(parent, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** One mutation of a base document, or none (weight of none: 1 in `plainOdds`). */
export const mutationOf = (base: Json, plainOdds = 4): fc.Arbitrary<{ readonly body: Json; readonly mutated: boolean }> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant({ body: base, mutated: false }) },
    {
      weight: plainOdds - 1,
      arbitrary: fc
        .tuple(fc.nat(), fc.constantFrom('replace' as const, 'remove' as const, 'add' as const), hostileJson, hostileText)
        .map(([pick, operation, value, key]) => ({ body: mutate(base, pick, operation, value, key), mutated: true })),
    },
  );

/** Bodies that are not the JSON a route wants at all. */
export const RAW_BODIES: readonly string[] = [
  '',
  '{',
  'null',
  '[]',
  '"text"',
  '1e999',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":"\\u0000"}',
  '"\\ud800"',
  '{"a":1,"a":2}',
  '['.repeat(20_000) + ']'.repeat(20_000),
  '{"x":"' + 'y'.repeat(200_000) + '"}',
  '\u0000',
  '\uFEFF{}',
];

export const CONTENT_TYPES: readonly string[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/problem+json',
  'application/*',
  '',
];
