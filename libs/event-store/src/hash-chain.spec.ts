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
    expect(first).toHaveLength(32);
    expect(second.equals(forked)).toBe(false);
    expect(chainHash(first, canonicalEnvelope({ ...fields, streamPosition: 2 })).equals(second)).toBe(true);
  });
});
