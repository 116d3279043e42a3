import { lagPerConsumer, type ConsumerLag } from '@journey/event-store';
import type { Problem } from '../problem';

/** The lag past which ingest is refused; each limit is off when absent. */
export interface AdmissionLimits {
  readonly maxLagEvents?: number;
  readonly maxLagSeconds?: number;
}

export type AdmissionVerdict =
  | { readonly open: true }
  | { readonly open: false; readonly consumer: string; readonly events: number; readonly seconds: number; readonly reason: string };

export const OPEN: AdmissionVerdict = { open: true };

/** Closed while any consumer is past a limit, naming the first such consumer and the limit it passed. */
export function admissionVerdict(lags: readonly ConsumerLag[], limits: AdmissionLimits): AdmissionVerdict {
  for (const lag of lagPerConsumer(lags)) {
    const { maxLagEvents, maxLagSeconds } = limits;
    const reason =
      maxLagEvents !== undefined && lag.events > maxLagEvents
        ? `${lag.name} is ${lag.events} events behind (limit ${maxLagEvents})`
        : maxLagSeconds !== undefined && lag.seconds > maxLagSeconds
          ? `${lag.name} is ${Math.round(lag.seconds)} s behind (limit ${maxLagSeconds} s)`
          : undefined;
    if (reason) return { open: false, consumer: lag.name, events: lag.events, seconds: lag.seconds, reason };
  }
  return OPEN;
}

export function admissionConfigured(limits: AdmissionLimits): boolean {
  return limits.maxLagEvents !== undefined || limits.maxLagSeconds !== undefined;
}

/** The problem document of a refused ingest request. */
export function admissionProblem(verdict: Extract<AdmissionVerdict, { open: false }>): Problem {
  return {
    type: 'urn:journey:problem:lagging',
    title: 'Ingest paused while the pipeline catches up',
    status: 429,
    detail: `${verdict.reason}. Nothing of this request was written; send it again after Retry-After.`,
    consumer: verdict.consumer,
    lagEvents: verdict.events,
    lagSeconds: Math.round(verdict.seconds),
  };
}
