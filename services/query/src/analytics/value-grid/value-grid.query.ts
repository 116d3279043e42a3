import { Query } from '@nestjs/cqrs';
import type { ValueGrid } from '../analytics';

/** Tiers, RFM segments and the recency × frequency grid. */
export class ValueGridQuery extends Query<ValueGrid> {}
