import { SegmentNotFoundError, SegmentRejectedError, type BackfillJob, type SegmentRecord } from '@journey/projections';
import { parseInstant, RequestRejectedError, type FieldProblem } from '@journey/platform';

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

const DAY = 86_400_000;
const FIRST_DAY = '0001-01-01';
const MAX_DAYS = 3660;
const DAY_REASON = 'must be a UTC date YYYY-MM-DD that the calendar has, from 0001-01-01 to 9999-12-31';

/**
 * A period of UTC days from the query string, both bounds included: `to` defaults to today,
 * `from` to the `days` days that end at `to`. A 400 names each bound that is not a day the
 * calendar has, and a period that runs backwards or spans more than ten years.
 */
export function dayPeriod(from: unknown, to: unknown, today: string, days: number): { from: string; to: string } {
  const errors: FieldProblem[] = [];
  const day = (field: string, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value.length === FIRST_DAY.length && parseInstant(value, 'dates')) return value;
    errors.push({ field, reason: DAY_REASON });
    return undefined;
  };
  const start = day('from', from);
  const end = day('to', to) ?? today;
  if (errors.length > 0) throw new RequestRejectedError(400, 'Invalid period', errors);
  const earliest = new Date(Date.parse(end) - (days - 1) * DAY).toISOString().slice(0, 10);
  const range = { from: start ?? (earliest < FIRST_DAY ? FIRST_DAY : earliest), to: end };
  if (range.from > range.to) throw new RequestRejectedError(400, 'Invalid period', [{ field: 'from', reason: 'must not be after to' }]);
  if (Date.parse(range.to) - Date.parse(range.from) > MAX_DAYS * DAY) throw new RequestRejectedError(400, 'Invalid period', [{ field: 'from', reason: 'the period may span at most 10 years' }]);
  return range;
}
