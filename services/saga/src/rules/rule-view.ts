import type { RuleRecord } from '@journey/journeys';
import { RequestRejectedError } from '@journey/platform';

/** A rule as the admin API shows it. */
export interface RuleView {
  readonly id: string;
  readonly version: number;
  readonly enabled: boolean;
  readonly savedAt: string;
  readonly definition: Record<string, unknown>;
}

export function ruleView(record: RuleRecord): RuleView {
  return { id: record.rule.id, version: record.rule.version, enabled: record.rule.enabled, savedAt: record.savedAt, definition: record.definition };
}

export function ruleNotFound(id: string): RequestRejectedError {
  return new RequestRejectedError(404, 'Rule not found', [{ field: 'id', reason: `no rule ${id}` }]);
}
