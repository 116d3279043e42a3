import { SegmentNotFoundError, SegmentRejectedError, type BackfillJob, type SegmentRecord } from '@journey/projections';
import { RequestRejectedError } from '@journey/platform';

/** A segment as the API shows it: its definition as saved, its version, its size now. */
export interface SegmentView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly archived: boolean;
  readonly savedAt: string;
  readonly size: number;
  readonly definition: Record<string, unknown>;
}

export interface SegmentSaved extends SegmentView {
  readonly changed: boolean;
  /** The backfill evaluating this version over every customer (absent when nothing changed). */
  readonly job?: BackfillJob;
}

export function segmentView(record: SegmentRecord, size: number): SegmentView {
  return {
    id: record.segment.id,
    name: record.segment.name,
    version: record.segment.version,
    archived: record.archived,
    savedAt: record.savedAt,
    size,
    definition: record.definition,
  };
}

/** The store's errors as problems: the fields and reasons of an invalid segment (400), an unknown id (404). */
export function asProblem(error: unknown): unknown {
  if (error instanceof SegmentRejectedError) return new RequestRejectedError(400, 'Invalid segment', error.errors);
  if (error instanceof SegmentNotFoundError) return new RequestRejectedError(404, 'Segment not found', [{ field: 'id', reason: `no segment ${error.id}` }]);
  return error;
}

/** A UTC date `YYYY-MM-DD` from the query string, or the fallback. */
export function utcDate(value: unknown, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new RequestRejectedError(400, 'Invalid period', [{ field, reason: 'must be a UTC date YYYY-MM-DD' }]);
  }
  return value;
}
