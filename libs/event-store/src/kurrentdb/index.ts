/** The KurrentDB adapter of the event store: for composition roots only. */
export { KurrentEventStore, type KurrentEventStoreOptions } from './kurrent-event-store';
