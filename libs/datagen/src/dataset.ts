import { Catalog } from './catalog';
import { CustomerHistoryBuilder, type Campaign, type CustomerHistory, type DatasetShape } from './customer-history';
import { Random } from './random';

const DAY = 86_400_000;

export interface DatasetOptions {
  /** Same seed, same options: the same events, ids included (so seeding again is idempotent). */
  readonly seed: number;
  readonly customers: number;
  /** The end of the history; defaults to the start of the current UTC day, for reproducible runs. */
  readonly until?: Date;
  /** How far back the history goes (default 2 years). */
  readonly days?: number;
  /** The first customer to generate (to resume or split a run). */
  readonly firstCustomer?: number;
}

export interface Dataset {
  readonly shape: DatasetShape;
  readonly campaigns: readonly Campaign[];
  /** One customer at a time, so that any number of events streams through little memory. */
  customers(): Generator<CustomerHistory>;
}

/** The start of the current UTC day: the default end of a generated history. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY) * DAY);
}

export function dataset(options: DatasetOptions, now: Date): Dataset {
  const until = (options.until ?? startOfUtcDay(now)).getTime();
  const from = until - (options.days ?? 730) * DAY;
  const shape: DatasetShape = { seed: options.seed >>> 0, from, until };
  const catalog = new Catalog(shape.seed);
  const campaigns = campaignsOf(shape);
  return {
    shape,
    campaigns,
    *customers() {
      const last = (options.firstCustomer ?? 0) + options.customers;
      for (let index = options.firstCustomer ?? 0; index < last; index++) {
        yield new CustomerHistoryBuilder(shape, index, catalog, campaigns).build();
      }
    },
  };
}

/** The shop's newsletter, every ten to eighteen days. */
function campaignsOf(shape: DatasetShape): Campaign[] {
  const random = new Random(shape.seed, 3);
  const campaigns: Campaign[] = [];
  for (let at = shape.from + random.int(1, 14) * DAY, n = 1; at < shape.until; at += random.int(10, 18) * DAY, n++) {
    campaigns.push({ id: `camp-${shape.seed.toString(36)}-${n}`, at: at + 9 * 3_600_000 });
  }
  return campaigns;
}
