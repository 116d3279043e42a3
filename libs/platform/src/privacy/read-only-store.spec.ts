import type { EventStore } from '@journey/event-store';
import { readOnlyStore, ReadOnlyStoreError } from './read-only-store';

class FakeStore {
  reads = 0;
  async verify(streamId: string) {
    this.reads++;
    return { streamId, ok: true as const, events: 0 };
  }
  async append() {
    throw new Error('must not be reached');
  }
}

describe('a read-only store', () => {
  const inner = new FakeStore();
  const store = readOnlyStore(inner as unknown as EventStore);

  it('passes reads to the store it wraps', async () => {
    await expect(store.verify('customer-1')).resolves.toEqual({ streamId: 'customer-1', ok: true, events: 0 });
    expect(inner.reads).toBe(1);
  });

  it('refuses every write with a typed error before the store sees it', () => {
    expect(() => store.append('customer-1', [])).toThrow(ReadOnlyStoreError);
    expect(() => store.appendMany([])).toThrow(/appendMany refused/);
    expect(() => store.unitOfWork(async () => undefined)).toThrow(ReadOnlyStoreError);
    expect(() => store.subscribe('x', async () => undefined)).toThrow(ReadOnlyStoreError);
  });
});
