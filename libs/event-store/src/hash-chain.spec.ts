import canonicalize from 'canonicalize';
import { canonicalEnvelope, canonicalJson, chainHash, type ChainedFields } from './hash-chain';

const fields: ChainedFields = {
  streamId: 'customer-1',
  streamPosition: 1,
  eventId: '0b9d7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4',
  type: 'PageViewed',
  version: 1,
  source: 'web',
  occurredAt: '2026-03-01T12:00:00.000Z',
  recordedAt: '2026-03-01T12:00:01.000Z',
  canonicalData: canonicalJson({ url: '/', title: 'Home' }),
  canonicalMetadata: canonicalJson({}),
};

describe('hash chain', () => {
  it('writes the same canonical JSON as the reference RFC 8785 implementation', () => {
    const values: unknown[] = [
      { b: 1, a: [true, null, -0, 1e21, 0.1, 'x\u0001"\\é😀'], é: { z: {}, y: [] }, A: 'upper' },
      [{ '10': 1, '9': 2, '': 3 }],
      { nested: { deeper: { deepest: [1, { b: 2, a: 1 }] } }, undef: undefined },
      'plain',
      42,
    ];
    for (const value of values) expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('agrees with the reference on 2,000 random JSON values', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const KEYS = ['a', 'B', 'é', '10', '9', '0', '', 'ab', 'a b', '😀', '__x', '01'];
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.3) return [null, true, false, 0, -1.5, 1e-7, 123456789012, 'text', 'quote"back\\slash\n'][Math.floor(random() * 9)];
      if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--) object[KEYS[Math.floor(random() * KEYS.length)]!] = value(depth + 1);
      return object;
    };
    for (let i = 0; i < 2000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }
  });

  it('canonicalises JSON with sorted keys, so the key order of a jsonb round trip does not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ title: 'Home', url: '/' })).toBe(fields.canonicalData);
  });

  it('writes the envelope with its keys in sorted order, as valid JSON', () => {
    const text = canonicalEnvelope(fields);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(Object.keys(JSON.parse(text) as object).sort());
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('chains each hash to the previous one', () => {
    const first = chainHash(null, canonicalEnvelope(fields));
    const second = chainHash(first, canonicalEnvelope({ ...fields, streamPosition: 2 }));
    const forked = chainHash(chainHash(null, canonicalEnvelope({ ...fields, source: 'app' })), canonicalEnvelope({ ...fields, streamPosition: 2 }));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(forked);
    expect(chainHash(first, canonicalEnvelope({ ...fields, streamPosition: 2 }))).toBe(second);
  });
});
