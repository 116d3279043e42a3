import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Rule } from '@journey/domain';
import { canonicalJson } from '@journey/event-store';
import { type Database } from '@journey/database';
import { parseRule, parseStoredRule, type RuleChecks, type RuleProblem } from './rule-definition';

/** Every failure the rule store reports on purpose; `type` makes the union switchable. */
export type RuleStoreError = RuleRejectedError | RuleNotFoundError;

export class RuleRejectedError extends Error {
  readonly type = 'rule-rejected' as const;
  constructor(readonly errors: readonly RuleProblem[]) {
    super(`invalid rule: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`);
    this.name = 'RuleRejectedError';
  }
}

export class RuleNotFoundError extends Error {
  readonly type = 'rule-not-found' as const;
  constructor(readonly id: string) {
    super(`no rule ${id}`);
    this.name = 'RuleNotFoundError';
  }
}

export interface RuleRecord {
  readonly rule: Rule;
  readonly definition: Record<string, unknown>;
  readonly deleted: boolean;
  readonly savedAt: string;
}

interface RuleRow {
  id: string;
  version: number;
  definition: Record<string, unknown>;
  enabled: boolean;
  deleted: boolean;
  saved_at: Date;
}

/**
 * Rules in the database, every saved version kept: a decision names the version it was taken
 * under. Saving a definition equal to the current one changes nothing.
 */
export class RuleStore {
  constructor(private readonly db: Database) {}

  /** The current version of every rule that is not deleted. */
  async current(): Promise<RuleRecord[]> {
    const { rows } = await this.db.query<RuleRow>(
      `SELECT DISTINCT ON (id) id, version, definition, enabled, deleted, saved_at
       FROM journey.rules ORDER BY id, version DESC`,
    );
    return rows.filter((row) => !row.deleted).map(toRecord);
  }

  async get(id: string, version?: number): Promise<RuleRecord | undefined> {
    const { rows } = await this.db.query<RuleRow>(
      `SELECT id, version, definition, enabled, deleted, saved_at FROM journey.rules
       WHERE id = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1`,
      [id, version ?? null],
    );
    const row = rows[0];
    return row && (version !== undefined || !row.deleted) ? toRecord(row) : undefined;
  }

  /** Every saved version of every rule, deleted ones included (their waits and goals may still be open), in id and version order. */
  async everyVersion(): Promise<RuleRecord[]> {
    const { rows } = await this.db.query<RuleRow>('SELECT id, version, definition, enabled, deleted, saved_at FROM journey.rules ORDER BY id, version');
    return rows.map(toRecord);
  }

  async versions(id: string): Promise<RuleRecord[]> {
    const { rows } = await this.db.query<RuleRow>(
      'SELECT id, version, definition, enabled, deleted, saved_at FROM journey.rules WHERE id = $1 ORDER BY version',
      [id],
    );
    return rows.map(toRecord);
  }

  /** Validates and saves; a new version only when the definition changed. */
  async save(definition: unknown, checks: RuleChecks = {}): Promise<{ record: RuleRecord; changed: boolean }> {
    const parsed = parseRule(definition, checks);
    if (!parsed.ok) throw new RuleRejectedError(parsed.errors);
    const normalized = definition as Record<string, unknown>;
    return this.write(parsed.rule.id, normalized, parsed.rule.enabled, false);
  }

  async setEnabled(id: string, enabled: boolean): Promise<RuleRecord> {
    const current = await this.get(id);
    if (!current) throw new RuleNotFoundError(id);
    return (await this.write(id, { ...current.definition, enabled }, enabled, false)).record;
  }

  async delete(id: string): Promise<void> {
    const current = await this.get(id);
    if (!current) throw new RuleNotFoundError(id);
    await this.write(id, current.definition, false, true);
  }

  /**
   * Loads a rules file: a JSON list of rules (or one rule). `action.templateFile` is read from
   * the file's folder into `action.template`.
   */
  async loadFile(path: string, checks: RuleChecks = {}): Promise<Array<{ id: string; changed: boolean }>> {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    const definitions = Array.isArray(parsed) ? parsed : [parsed];
    const results: Array<{ id: string; changed: boolean }> = [];
    for (const definition of definitions) {
      const resolved = withTemplateFile(definition as Record<string, unknown>, dirname(resolve(path)));
      const { record, changed } = await this.save(resolved, checks);
      results.push({ id: record.rule.id, changed });
    }
    return results;
  }

  private async write(id: string, definition: Record<string, unknown>, enabled: boolean, deleted: boolean): Promise<{ record: RuleRecord; changed: boolean }> {
    return this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('journey.rule:' || $1))", [id]);
      const { rows } = await tx.query<RuleRow>(
        'SELECT id, version, definition, enabled, deleted, saved_at FROM journey.rules WHERE id = $1 ORDER BY version DESC LIMIT 1',
        [id],
      );
      const last = rows[0];
      if (last && last.enabled === enabled && last.deleted === deleted && canonicalJson(last.definition) === canonicalJson(definition)) {
        return { record: toRecord(last), changed: false };
      }
      const inserted = await tx.query<RuleRow>(
        `INSERT INTO journey.rules (id, version, definition, enabled, deleted) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, version, definition, enabled, deleted, saved_at`,
        [id, (last?.version ?? 0) + 1, JSON.stringify(definition), enabled, deleted],
      );
      return { record: toRecord(inserted.rows[0]!), changed: true };
    });
  }
}

function toRecord(row: RuleRow): RuleRecord {
  const parsed = parseStoredRule(row.definition);
  if (!parsed.ok) throw new Error(`stored rule ${row.id} v${row.version} no longer parses: ${JSON.stringify(parsed.errors)}`);
  return {
    rule: { ...parsed.rule, enabled: row.enabled && !row.deleted, version: row.version },
    definition: row.definition,
    deleted: row.deleted,
    savedAt: new Date(row.saved_at).toISOString(),
  };
}

function withTemplateFile(definition: Record<string, unknown>, folder: string): Record<string, unknown> {
  const action = definition.action as Record<string, unknown> | undefined;
  if (!action || typeof action.templateFile !== 'string') return definition;
  const { templateFile, ...rest } = action;
  return { ...definition, action: { ...rest, template: readFileSync(resolve(folder, templateFile as string), 'utf8') } };
}
