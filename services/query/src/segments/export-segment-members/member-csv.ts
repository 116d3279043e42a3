import type { SegmentMember } from '@journey/projections';
import { csvField } from '../../csv-field';

export const MEMBER_CSV_HEADER = 'customer_id,since,version,backfill,stage,tier,country\n';

/** One member as a line of the members CSV, its cells written as the customers CSV writes them. */
export function memberCsvLine(m: SegmentMember): string {
  return `${[m.customerId, m.since, m.version, m.backfill, m.stage, m.tier, m.country].map(csvField).join(',')}\n`;
}
