import type { CurrencyRates, GlobalCap, LifecycleThresholds } from '@journey/domain';
import type { JourneyConfig } from '@journey/platform';
import type { RuleChecks } from './rules/rule-definition';

export interface SagaSettings {
  readonly lifecycle: LifecycleThresholds;
  readonly rates: CurrencyRates;
  /** Caps across rules per channel, e.g. at most 3 webhooks per customer per 7 days. */
  readonly globalCaps: readonly GlobalCap[];
  /** Chains of rule-triggered actions stop at this depth (default 3). */
  readonly maxDepth: number;
  /**
   * Events that happened longer ago than this trigger nothing (default one day): loading a
   * customer's history must not message them about it.
   */
  readonly maxEventAgeMs: number;
  /** Delivery: attempts before the dead letter, first backoff, timeout per attempt. */
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly deliveryTimeoutMs: number;
  /** How often due timers and the outbox are looked at (default 1 s). */
  readonly tickMs: number;
  readonly batchSize: number;
}

export const DEFAULT_SAGA_SETTINGS: Omit<SagaSettings, 'lifecycle' | 'rates'> = {
  globalCaps: [],
  maxDepth: 3,
  maxEventAgeMs: 86_400_000,
  maxAttempts: 8,
  backoffMs: 1000,
  deliveryTimeoutMs: 5000,
  tickMs: 1000,
  batchSize: 1000,
};

/** The settings of the configuration. */
export function sagaSettings(config: JourneyConfig): SagaSettings {
  const j = config.journeys;
  return {
    ...DEFAULT_SAGA_SETTINGS,
    lifecycle: config.projections.lifecycle,
    rates: config.projections.rates,
    globalCaps: j.globalCaps,
    maxDepth: j.maxDepth,
    maxEventAgeMs: j.maxEventAgeMs,
    maxAttempts: j.maxAttempts,
    backoffMs: j.backoffMs,
    deliveryTimeoutMs: j.deliveryTimeoutMs,
    tickMs: j.tickMs,
  };
}

/** What a rule saved under the configuration is checked against: its Kafka action may not write to the engine's own topics. */
export function ruleChecks(config: JourneyConfig): RuleChecks {
  const { ingestTopic, deadLetterTopic, relayTopic } = config.kafka;
  return { reservedTopics: [ingestTopic, deadLetterTopic, relayTopic] };
}
