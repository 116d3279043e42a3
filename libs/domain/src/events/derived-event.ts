import { ENGINE_SOURCE, type EventMetadata, type EventOfType, type EventType } from '@journey/contracts';
import { derivedEventId } from './derived-id';

/** An event the engine derives for a customer: its stream is the customer's, its source the engine's. */
export type DerivedEvent<T extends EventType = EventType> = Omit<EventOfType<T>, 'anonymousId' | 'customerId'> & { readonly customerId: string };

export interface DerivedFields<T extends EventType> {
  readonly customerId: string;
  /** What caused it: the same cause derives the same id, so it is stored once however often it is derived. */
  readonly cause: ReadonlyArray<string | number>;
  readonly occurredAt: string;
  readonly data: EventOfType<T>['data'];
  readonly metadata?: EventMetadata;
}

/** The one way the engine builds the events it derives (stage and tier changes, actions, conversions, forgetting). */
export function derivedEvent<T extends EventType>(type: T, fields: DerivedFields<T>): DerivedEvent<T> {
  return {
    eventId: derivedEventId(...fields.cause),
    type,
    version: 1,
    customerId: fields.customerId,
    occurredAt: fields.occurredAt,
    source: ENGINE_SOURCE,
    data: fields.data,
    metadata: fields.metadata ?? {},
  } as DerivedEvent<T>;
}
