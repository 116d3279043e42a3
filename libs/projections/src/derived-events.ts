import { ENGINE_SOURCE, type EventOfType, type LifecycleStage, type RfmSegment, type ValueTier } from '@journey/contracts';
import type { StageTransition } from '@journey/domain';
import { derivedEventId } from '@journey/event-store';

type Derived<T extends 'LifecycleStageChanged' | 'ValueTierChanged'> = Omit<EventOfType<T>, 'anonymousId'> & { customerId: string };

/**
 * A lifecycle transition as an event. The id comes from the customer, the transition and its
 * instant only, so the projector (on an event) and the clock (on the passing of time) derive
 * the very same event for a time-caused transition, and it is stored once.
 */
export function stageChangedEvent(customerId: string, transition: StageTransition): Derived<'LifecycleStageChanged'> {
  const at = new Date(transition.at).toISOString();
  return {
    eventId: derivedEventId(customerId, 'LifecycleStageChanged', transition.from, transition.to, at),
    type: 'LifecycleStageChanged',
    version: 1,
    customerId,
    occurredAt: at,
    source: ENGINE_SOURCE,
    data: { from: transition.from as LifecycleStage, to: transition.to, reason: transition.reason },
    metadata: transition.causedBy ? { causationId: transition.causedBy } : {},
  };
}

export interface TierChange {
  readonly customerId: string;
  readonly from: ValueTier | null;
  readonly to: ValueTier;
  readonly rfm: { recency: number; frequency: number; monetary: number };
  readonly segment: RfmSegment;
  /** The scheduled run that found it (the start of its slot): two runners of one slot agree. */
  readonly run: string;
}

export function tierChangedEvent(change: TierChange): Derived<'ValueTierChanged'> {
  const { recency, frequency, monetary } = change.rfm;
  return {
    eventId: derivedEventId(change.customerId, 'ValueTierChanged', change.run, change.to, change.segment, recency, frequency, monetary),
    type: 'ValueTierChanged',
    version: 1,
    customerId: change.customerId,
    occurredAt: change.run,
    source: ENGINE_SOURCE,
    data: { from: change.from, to: change.to, rfm: change.rfm, segment: change.segment },
    metadata: {},
  };
}
