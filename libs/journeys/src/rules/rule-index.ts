import type { Rule } from '@journey/domain';
import type { RuleStore } from './rule-store';

/** The enabled rules by trigger, and every version by key, in memory; refreshed on change. */
export class RuleIndex {
  private byTrigger = new Map<string, Rule[]>();
  private heeded = new Set<string>();
  private readonly byVersion = new Map<string, Rule>();

  constructor(private readonly store: RuleStore) {}

  async refresh(): Promise<void> {
    const byTrigger = new Map<string, Rule[]>();
    const heeded = new Set<string>();
    const current = new Map<string, Rule>();
    for (const { rule } of await this.store.everyVersion()) {
      this.byVersion.set(key(rule.id, rule.version), rule);
      current.set(rule.id, rule);
      // Waits and goals keep the version they were opened under: every version's count.
      for (const matcher of rule.wait?.cancelOn ?? []) heeded.add(matcher.event);
      if (rule.goal) heeded.add(rule.goal.event);
    }
    for (const rule of current.values()) {
      // A deleted rule's last version is saved disabled.
      if (!rule.enabled) continue;
      const list = byTrigger.get(rule.trigger.event) ?? [];
      list.push(rule);
      byTrigger.set(rule.trigger.event, list);
      heeded.add(rule.trigger.event);
    }
    this.byTrigger = byTrigger;
    this.heeded = heeded;
  }

  /** Whether an event of this type can trigger a rule, end a wait or complete a goal. */
  heeds(type: string): boolean {
    return this.heeded.has(type);
  }

  triggeredBy(type: string): readonly Rule[] {
    return this.byTrigger.get(type) ?? [];
  }

  /** A given version (timers and goals keep the version they were made under). */
  async version(id: string, version: number): Promise<Rule | undefined> {
    const known = this.byVersion.get(key(id, version));
    if (known) return known;
    const record = await this.store.get(id, version);
    if (record) this.byVersion.set(key(id, version), record.rule);
    return record?.rule;
  }

  /** The longest frequency cap of any version known (timers keep the version they were made under). */
  longestCapMs(): number {
    let longest = 0;
    for (const rule of this.byVersion.values()) longest = Math.max(longest, rule.limits.frequencyCap?.perMs ?? 0);
    return longest;
  }

  /** Whether the rule's current version is enabled. */
  isActive(id: string): boolean {
    for (const rules of this.byTrigger.values()) if (rules.some((rule) => rule.id === id)) return true;
    return false;
  }
}

function key(id: string, version: number): string {
  return `${id}@${version}`;
}
