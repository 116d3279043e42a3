import { readsPredictions, type CustomerPredictions, type SegmentDefinition } from '@journey/domain';
import type { Queryable } from '@journey/database';
import { predictionsFor } from '../predictions.table';

const NONE: ReadonlyMap<string, CustomerPredictions> = new Map();

/**
 * The customers' latest predictions when one of the segments reads a prediction field (pAlive,
 * clv, churnBand, …); otherwise nothing is read, so segments without them cost no query.
 */
export async function segmentPredictions(db: Queryable, segments: readonly SegmentDefinition[], customerIds: readonly string[]): Promise<ReadonlyMap<string, CustomerPredictions>> {
  if (customerIds.length === 0 || !segments.some((segment) => readsPredictions(segment.conditions))) return NONE;
  return predictionsFor(db, customerIds);
}
