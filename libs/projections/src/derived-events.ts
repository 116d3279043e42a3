import type { LifecycleStage, RfmSegment, ValueTier } from '@journey/contracts';
import { derivedEvent, type DerivedEvent, type StageTransition } from '@journey/domain';

/**
 * A lifecycle transition as an event. The id comes from the customer, the transition and its
 * instant only, so the projector (on an event) and the clock (on the passing of time) derive
 * the very same event for a time-caused transition, and it is stored once.
 */
export function stageChangedEvent(customerId: string, transition: StageTransition): DerivedEvent<'LifecycleStageChanged'> {
  const at = new Date(transition.at).toISOString();
  return derivedEvent('LifecycleStageChanged', {
    customerId,
    cause: [customerId, 'LifecycleStageChanged', transition.from, transition.to, at],
    occurredAt: at,
    data: { from: transition.from as LifecycleStage, to: transition.to, reason: transition.reason },
    metadata: transition.causedBy ? { causationId: transition.causedBy } : {},
  });
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

export function tierChangedEvent(change: TierChange): DerivedEvent<'ValueTierChanged'> {
  const { recency, frequency, monetary } = change.rfm;
  return derivedEvent('ValueTierChanged', {
    customerId: change.customerId,
    cause: [change.customerId, 'ValueTierChanged', change.run, change.to, change.segment, recency, frequency, monetary],
    occurredAt: change.run,
    data: { from: change.from, to: change.to, rfm: change.rfm, segment: change.segment },
  });
}
