import { Query } from '@nestjs/cqrs';
import type { RecordedEvent } from '@journey/event-store';

/** The latest ModelFitted event of the purchase models (null before the first fit). */
export class LatestFitQuery extends Query<RecordedEvent | null> {}
