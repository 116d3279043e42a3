import { emptyCustomer360 } from '@journey/domain';
import { CustomerCache } from './customer-cache';

describe('CustomerCache', () => {
  it('gives a state back only at the version it was cached under', () => {
    const cache = new CustomerCache(10);
    const state = emptyCustomer360('c-1');
    cache.set('c-1', '700', state);
    expect(cache.get('c-1', '700')).toBe(state);
    expect(cache.get('c-1', '701')).toBeUndefined();
    // A version that did not match drops the entry: the row is read again.
    expect(cache.get('c-1', '700')).toBeUndefined();
  });

  it('keeps the most recently used customers within its capacity', () => {
    const cache = new CustomerCache(2);
    cache.set('c-1', '1', emptyCustomer360('c-1'));
    cache.set('c-2', '1', emptyCustomer360('c-2'));
    cache.get('c-1', '1');
    cache.set('c-3', '1', emptyCustomer360('c-3'));
    expect(cache.size).toBe(2);
    expect(cache.known(['c-1', 'c-2', 'c-3'])).toBe(2);
    expect(cache.get('c-2', '1')).toBeUndefined();
    expect(cache.get('c-1', '1')).toBeDefined();
  });

  it('does not trust an entry older than ten minutes, nor keep any at capacity 0', () => {
    let now = 0;
    const cache = new CustomerCache(10, () => now);
    cache.set('c-1', '1', emptyCustomer360('c-1'));
    now = 10 * 60_000 + 1;
    expect(cache.get('c-1', '1')).toBeUndefined();
    const none = new CustomerCache(0);
    none.set('c-1', '1', emptyCustomer360('c-1'));
    expect(none.size).toBe(0);
  });
});
