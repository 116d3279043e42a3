import { Counter, type Registry } from 'prom-client';

/** What the tracking API counts: messages by call and outcome. */
export interface TrackingObserver {
  tracked(call: string, outcome: 'accepted' | 'duplicate' | 'rejected', count: number): void;
}

export function trackingMetrics(registry: Registry): TrackingObserver {
  const messages = new Counter({
    name: 'journey_tracking_messages_total',
    help: 'Messages of the Segment-compatible tracking API by call (batch, track, identify, …) and outcome (accepted, duplicate, rejected)',
    labelNames: ['call', 'outcome'],
    registers: [registry],
  });
  return {
    tracked(call, outcome, count) {
      if (count > 0) messages.inc({ call, outcome }, count);
    },
  };
}
