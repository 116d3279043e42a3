import { canonicalJson } from '@journey/event-store';
import { dependencyOrder, parseSegment, referencedSegments, type SegmentDefinition, type SegmentProblem } from '@journey/domain';
import type { Queryable } from '@journey/database';

export class SegmentRejectedError extends Error {
  readonly type = 'segment-rejected' as const;
  constructor(readonly errors: readonly SegmentProblem[]) {
    super(`invalid segment: ${errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`);
    this.name = 'SegmentRejectedError';
  }
}

export class SegmentNotFoundError extends Error {
  readonly type = 'segment-not-found' as const;
  constructor(readonly id: string) {
    super(`no segment ${id}`);
    this.name = 'SegmentNotFoundError';
  }
}

export interface SegmentRecord {
  readonly segment: SegmentDefinition;
  readonly definition: Record<string, unknown>;
  readonly archived: boolean;
  readonly savedAt: string;
}

interface SegmentRow {
  id: string;
  version: number;
  name: string;
  definition: Record<string, unknown>;
  archived: boolean;
  saved_at: Date | string;
}

const parsed = new Map<string, SegmentDefinition>();

function toRecord(row: SegmentRow): SegmentRecord {
  const key = `${row.id}:${row.version}`;
  let segment = parsed.get(key);
  if (!segment) {
    const result = parseSegment(row.definition);
    if (!result.ok) throw new SegmentRejectedError(result.errors);
    segment = { ...result.segment, version: row.version };
    parsed.set(key, segment);
  }
  return { segment, definition: row.definition, archived: row.archived, savedAt: new Date(row.saved_at).toISOString() };
}

/** Segments in the database, every saved version kept: a membership change names its version. */
export class SegmentStore {
  /** The current version of every segment, archived ones included when asked. */
  static async current(db: Queryable, withArchived = false): Promise<SegmentRecord[]> {
    const { rows } = await db.query<SegmentRow>(
      `SELECT DISTINCT ON (id) id, version, name, definition, archived, saved_at FROM journey.segments ORDER BY id, version DESC`,
    );
    return rows.map(toRecord).filter((record) => withArchived || !record.archived);
  }

  /** The live segments in dependency order: what the pass, the clock and the backfill judge. */
  static async live(db: Queryable): Promise<SegmentDefinition[]> {
    return dependencyOrder((await SegmentStore.current(db)).map((record) => record.segment));
  }

  static async get(db: Queryable, id: string): Promise<SegmentRecord> {
    const { rows } = await db.query<SegmentRow>(
      `SELECT id, version, name, definition, archived, saved_at FROM journey.segments WHERE id = $1 ORDER BY version DESC LIMIT 1`,
      [id],
    );
    if (!rows[0]) throw new SegmentNotFoundError(id);
    return toRecord(rows[0]);
  }

  /**
   * Saves a definition as the segment's next version (its first when new) and returns it; the
   * segments together must stay free of cycles. Saving what is already current changes nothing.
   * Run in the caller's transaction, which it serialises with every other save and archive.
   */
  static async save(db: Queryable, input: unknown, options: { readonly create: boolean; readonly id?: string }): Promise<{ record: SegmentRecord; changed: boolean }> {
    const result = parseSegment(input);
    if (!result.ok) throw new SegmentRejectedError(result.errors);
    const { segment } = result;
    if (options.id !== undefined && options.id !== segment.id) throw new SegmentRejectedError([{ field: 'id', reason: `must be the segment's id, ${options.id}` }]);
    await lockDefinitions(db);
    const others = (await SegmentStore.current(db)).filter((record) => record.segment.id !== segment.id);
    const { rows } = await db.query<{ version: number; definition: Record<string, unknown>; archived: boolean }>(
      `SELECT version, definition, archived FROM journey.segments WHERE id = $1 ORDER BY version DESC LIMIT 1`,
      [segment.id],
    );
    const last = rows[0];
    if (options.create && last && !last.archived) throw new SegmentRejectedError([{ field: 'id', reason: `a segment ${segment.id} exists; update it instead` }]);
    if (!options.create && !last) throw new SegmentNotFoundError(segment.id);
    try {
      dependencyOrder([...others.map((record) => record.segment), { ...segment, version: 0 }]);
    } catch (error) {
      throw new SegmentRejectedError([{ field: 'conditions', reason: (error as Error).message }]);
    }
    const missing = referencedSegments(segment.conditions).filter((id) => !others.some((record) => record.segment.id === id));
    if (missing.length > 0) throw new SegmentRejectedError([{ field: 'conditions', reason: `names segments that do not exist: ${missing.join(', ')}` }]);
    if (last && !last.archived && canonicalJson(last.definition) === canonicalJson(normalised(input))) return { record: await SegmentStore.get(db, segment.id), changed: false };
    const version = (last?.version ?? 0) + 1;
    await db.query(`INSERT INTO journey.segments (id, version, name, definition) VALUES ($1, $2, $3, $4)`, [segment.id, version, segment.name, JSON.stringify(normalised(input))]);
    return { record: await SegmentStore.get(db, segment.id), changed: true };
  }

  /** Archives a segment: a new version that the pass no longer judges (its members are let go by a job). In the caller's transaction, as save. */
  static async archive(db: Queryable, id: string): Promise<SegmentRecord> {
    await lockDefinitions(db);
    const current = await SegmentStore.get(db, id);
    if (current.archived) return current;
    const dependants = (await SegmentStore.current(db)).filter((record) => record.segment.id !== id && referencedSegments(record.segment.conditions).includes(id));
    if (dependants.length > 0) throw new SegmentRejectedError([{ field: 'id', reason: `segments ${dependants.map((r) => r.segment.id).join(', ')} depend on it` }]);
    await db.query(`INSERT INTO journey.segments (id, version, name, definition, archived) VALUES ($1, $2, $3, $4, true)`, [
      id,
      current.segment.version + 1,
      current.segment.name,
      JSON.stringify(current.definition),
    ]);
    return SegmentStore.get(db, id);
  }
}

/**
 * Saves and archives check the other segments (no cycle, no dependant, every name known) before
 * writing: two at once could each pass its check against what the other has not committed yet
 * (A saved to name B while B is saved to name A). They take this lock first, until their
 * transaction ends, so each checks what the one before it committed.
 */
async function lockDefinitions(db: Queryable): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtext('journey.segments'))");
}

function normalised(input: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
}
