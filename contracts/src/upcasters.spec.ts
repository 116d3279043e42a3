import type { EventEnvelope } from './envelope';
import { Upcasters } from './upcasters';

const stored = {
  eventId: 'e',
  type: 'PageViewed',
  version: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
  source: 'web',
  data: { path: '/shoes' },
  metadata: {},
} satisfies EventEnvelope<string, unknown>;

describe('Upcasters', () => {
  it('raises an old event through every registered version, on read', () => {
    const upcasters = new Upcasters([
      { type: 'PageViewed', fromVersion: 1, upcast: (e) => ({ ...e, version: 2, data: { url: (e.data as { path: string }).path } }) },
      { type: 'PageViewed', fromVersion: 2, upcast: (e) => ({ ...e, version: 3, data: { ...(e.data as object), title: null } }) },
    ]);
    expect(upcasters.upcast(stored)).toMatchObject({ version: 3, data: { url: '/shoes', title: null } });
    expect(stored.version).toBe(1);
  });

  it('leaves events of current versions alone', () => {
    expect(new Upcasters().upcast(stored)).toBe(stored);
  });

  it('refuses an upcaster that does not raise the version', () => {
    const upcasters = new Upcasters([{ type: 'PageViewed', fromVersion: 1, upcast: (e) => e }]);
    expect(() => upcasters.upcast(stored)).toThrow('did not raise the version');
  });
});
