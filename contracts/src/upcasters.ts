import type { EventEnvelope } from './envelope';

/**
 * Turns an event stored under an older schema version into the next version. Old events are
 * upcast on read, never rewritten in the store.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(event: EventEnvelope<string, unknown>): EventEnvelope<string, unknown>;
}

export class Upcasters {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) {
      const key = `${upcaster.type}@${upcaster.fromVersion}`;
      if (this.byKey.has(key)) throw new Error(`two upcasters for ${key}`);
      this.byKey.set(key, upcaster);
    }
  }

  get isEmpty(): boolean {
    return this.byKey.size === 0;
  }

  /** Applies upcasters one version at a time until none is registered for the event's version. */
  upcast<E extends { readonly type: string; readonly version: number }>(event: E): E {
    let current = event as unknown as EventEnvelope<string, unknown>;
    for (let step = this.byKey.get(`${current.type}@${current.version}`); step; step = this.byKey.get(`${current.type}@${current.version}`)) {
      const next = step.upcast(current);
      if (next.version <= current.version) {
        throw new Error(`upcaster for ${current.type}@${current.version} did not raise the version`);
      }
      current = { ...current, ...next };
    }
    return current as unknown as E;
  }
}

/** The upcasters of the current contracts: none yet, every event type is at version 1. */
export const CURRENT_UPCASTERS: readonly Upcaster[] = [];
