import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CdnowCustomer {
  readonly id: string;
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
  readonly monetary: number;
}

/** The CDNOW summary (test/fixtures/cdnow, where its source is named). */
export function loadCdnow(): CdnowCustomer[] {
  const text = readFileSync(join(__dirname, '../../../../test/fixtures/cdnow/cdnow-customers-summary-with-transactions.csv'), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [id, x, tx, T, zbar] = line.split(',');
      return { id: id!, frequency: Number(x), recency: Number(tx), T: Number(T), monetary: Number(zbar) };
    });
}
