import type { EventStore } from '@journey/event-store';

/** A write was asked of a process that runs without its vault, which would store personal data unsealed. */
export class ReadOnlyStoreError extends Error {
  readonly type = 'read-only-store' as const;
  constructor(operation: string) {
    super(`the event store is read-only in this process (no vault to seal personal data): ${operation} refused`);
    this.name = 'ReadOnlyStoreError';
  }
}

const WRITES = new Set<PropertyKey>(['append', 'appendMany', 'unitOfWork', 'subscribe']);

/** The store with every write refused: reads and verification go through, sealed text stays sealed. */
export function readOnlyStore<S>(store: EventStore<S>): EventStore<S> {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (WRITES.has(property)) {
        return () => {
          throw new ReadOnlyStoreError(String(property));
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
