import type { Database } from '@journey/database';
import { RuleIndex } from './rule-index';
import { RuleStore } from './rule-store';

export const RULES_CHANNEL = 'journey_rules';

/**
 * The rules of one database as this process knows them: the store, the index of enabled rules,
 * and (on PostgreSQL) the notifications that tell of changes made by other processes. One per
 * Database, shared by the saga and the customer pass's rules decider, so a change made through
 * either reaches both at once.
 */
export class RuleCatalog {
  readonly rules: RuleStore;
  readonly index: RuleIndex;
  private opening: Promise<void> | undefined;
  private users = 0;
  private stopListening: (() => Promise<void>) | undefined;

  constructor(private readonly db: Database) {
    this.rules = new RuleStore(db);
    this.index = new RuleIndex(this.rules);
  }

  /** Reads the rules and listens for changes; each open is paired with a close. */
  async open(): Promise<void> {
    this.users++;
    this.opening ??= this.listen();
    await this.opening;
  }

  /** Rules changed here: read them again, and tell other processes. */
  async changed(): Promise<void> {
    await this.index.refresh();
    if (this.db.kind === 'postgres') await this.db.notify(RULES_CHANNEL, '').catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.users === 0 || --this.users > 0) return;
    const opening = this.opening;
    this.opening = undefined;
    await opening?.catch(() => undefined);
    await this.stopListening?.();
    this.stopListening = undefined;
  }

  private async listen(): Promise<void> {
    await this.index.refresh();
    if (this.db.kind === 'postgres') {
      const refresh = (): void => void this.index.refresh().catch(() => undefined);
      this.stopListening = await this.db.listen(RULES_CHANNEL, refresh, refresh);
    }
  }
}

const catalogs = new WeakMap<Database, RuleCatalog>();

/** The catalog of `db` in this process. */
export function ruleCatalog(db: Database): RuleCatalog {
  let catalog = catalogs.get(db);
  if (!catalog) {
    catalog = new RuleCatalog(db);
    catalogs.set(db, catalog);
  }
  return catalog;
}
