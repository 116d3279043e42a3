import { resolve } from 'node:path';
import { isISO4217CurrencyCode } from 'class-validator';
import { AT_RISK_SOURCES, MAX_RULE_DURATION_DAYS, MAX_RULE_DURATION_MS, parseDuration, type GlobalCap } from '@journey/domain';
import { ACTION_CHANNELS, isEventType, isTrackTarget, TRACK_TARGETS, type ActionChannel } from '@journey/contracts';
import { DEFAULT_PROJECTION_OPTIONS, type ProjectionOptions } from './projection-options';
import type { AdmissionLimits } from './lag/admission';

/** The engine's configuration, read from the environment once and checked before start-up. */
export interface JourneyConfig {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server; absent means the embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly poolSize: number;
  readonly writerSlots?: number;
  /**
   * Where the log lives (JOURNEY_EVENT_STORE): PostgreSQL/PGlite by default, or a KurrentDB
   * server at EVENTSTORE_URL; the read models stay in the database either way.
   */
  readonly eventStore: { readonly kind: 'postgres' } | { readonly kind: 'kurrentdb'; readonly url: string };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Whether this process runs the projector (the engine does unless told not to). */
  readonly projector: boolean;
  readonly projections: ProjectionOptions;
  /** Whether this process runs the saga (the engine does unless told not to). */
  readonly saga: boolean;
  /** The admin key taken from JOURNEY_ADMIN_KEY (else one is made and shown on an empty database). */
  readonly adminKey?: string;
  /**
   * Wraps the per-customer keys of PII (JOURNEY_MASTER_KEY, 32 bytes in base64 or hex). Required
   * with DATABASE_URL; the embedded default keeps one in its data folder.
   */
  readonly masterKey?: Buffer;
  /** Requests per key per window, by role; undefined turns rate limits off. */
  /** Per key by role; `unauthenticated`: failed authentications per client address. */
  readonly rateLimits?: Readonly<Record<'ingest' | 'marketing' | 'auditor' | 'admin' | 'unauthenticated', { readonly limit: number; readonly ttlMs: number }>>;
  /** Kafka, used only when brokers are given (KAFKA_BROKERS). */
  readonly kafka: {
    readonly brokers: readonly string[];
    /** Whether this process consumes the ingest topic (JOURNEY_KAFKA_INGEST, on by default). */
    readonly ingest: boolean;
    readonly ingestTopic: string;
    readonly groupId: string;
    readonly deadLetterTopic: string;
    /** Whether this process relays the log to downstream apps (JOURNEY_KAFKA_RELAY, off by default). */
    readonly relay: boolean;
    readonly relayTopic: string;
    /** The event types relayed; all when absent. */
    readonly relayTypes?: ReadonlySet<string>;
  };
  readonly journeys: {
    readonly rulesFile?: string;
    /** Signs webhook bodies; generated and kept in the database when not given. */
    readonly webhookSecret?: string;
    readonly globalCaps: readonly GlobalCap[];
    readonly maxDepth: number;
    readonly maxEventAgeMs: number;
    readonly maxAttempts: number;
    readonly backoffMs: number;
    readonly deliveryTimeoutMs: number;
    readonly tickMs: number;
  };
  /** Ingest refused (429) while a consumer's lag is past a limit (JOURNEY_ADMISSION_MAX_LAG_*); off when absent. */
  readonly admission: AdmissionLimits;
  /** Customers are split into `count` partitions that the processes lease for `leaseMs`. */
  readonly partitions: { readonly count: number; readonly leaseMs: number };
  /** Engine processes `npm start` runs on one port (JOURNEY_WORKERS; PostgreSQL only), each a whole engine sharing the partitions. */
  readonly workers: number;
  /** Segment track names mapped to event types over the e-commerce defaults (JOURNEY_TRACK_EVENT_MAP, a JSON object). */
  readonly trackEventMap: Readonly<Record<string, string>>;
}

export class ConfigError extends Error {
  readonly type = 'config' as const;
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): JourneyConfig {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    // Number(' ') is 0: only digits are a number here.
    const value = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };

  const optionalInteger = (name: string, min: number, max: number): number | undefined =>
    env[name] === undefined || env[name] === '' ? undefined : integer(name, min, min, max);

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(databaseUrl).protocol;
    } catch {
      problems.push('DATABASE_URL is not a URL (expected postgres://user@host:5432/database)');
    }
    if (protocol && protocol !== 'postgres:' && protocol !== 'postgresql:') {
      problems.push(`DATABASE_URL must be a postgres:// URL, got ${protocol}//…`);
    }
  }
  const logLevel = (env.LOG_LEVEL || 'info') as JourneyConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const number = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      problems.push(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = allowed.find((option) => option === raw);
    if (value === undefined) problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return value ?? fallback;
  };
  const defaults = DEFAULT_PROJECTION_OPTIONS;
  const base = env.JOURNEY_BASE_CURRENCY || defaults.rates.base;
  if (!/^[A-Z]{3}$/.test(base) || !isISO4217CurrencyCode(base)) problems.push(`JOURNEY_BASE_CURRENCY must be an ISO 4217 code, got "${base}"`);
  const rates = parseRates(env.JOURNEY_FX_RATES, base, defaults.rates.rates, problems);
  const onOff = (name: string): boolean => {
    const value = env[name] ?? 'on';
    if (value !== 'on' && value !== 'off') problems.push(`${name} must be on or off, got "${value}"`);
    return value !== 'off';
  };
  /** A duration above zero: 0s would quietly switch off what it paces (a tick that never runs, a timeout at once). */
  const duration = (name: string, fallback: string): number => {
    const raw = env[name] || fallback;
    const ms = parseDuration(raw);
    if (ms === undefined || ms <= 0) problems.push(`${name} must be a duration above zero such as 30s, 15m, 2h or 1d, got "${raw}"`);
    return ms !== undefined && ms > 0 ? ms : parseDuration(fallback)!;
  };
  /** Kafka topic and group names: letters, digits, '.', '_' and '-', at most 249. */
  const topic = (name: string, fallback: string): string => {
    const value = env[name] || fallback;
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(value)) problems.push(`${name} must be a Kafka name (letters, digits, '.', '_', '-'), got "${value}"`);
    return value;
  };
  const projector = env.JOURNEY_PROJECTOR ?? 'on';
  if (projector !== 'on' && projector !== 'off') problems.push(`JOURNEY_PROJECTOR must be on or off, got "${projector}"`);

  const config: JourneyConfig = {
    port: integer('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: resolve(env.JOURNEY_DATA_DIR || './data'),
    poolSize: integer('JOURNEY_DB_POOL_SIZE', 10, 2, 200),
    writerSlots: env.JOURNEY_WRITER_SLOTS ? integer('JOURNEY_WRITER_SLOTS', 2, 1, 32) : undefined,
    eventStore: parseEventStore(env, problems),
    logLevel,
    projector: projector !== 'off',
    saga: onOff('JOURNEY_SAGA'),
    adminKey: env.JOURNEY_ADMIN_KEY || undefined,
    masterKey: parseMasterKey(env.JOURNEY_MASTER_KEY, problems),
    rateLimits: parseRateLimits(env.JOURNEY_RATE_LIMITS, problems),
    kafka: {
      brokers: (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean),
      ingest: onOff('JOURNEY_KAFKA_INGEST'),
      ingestTopic: topic('JOURNEY_KAFKA_INGEST_TOPIC', 'journey.events'),
      groupId: topic('JOURNEY_KAFKA_GROUP', 'journey-ingest'),
      deadLetterTopic: topic('JOURNEY_KAFKA_DEAD_LETTER_TOPIC', 'journey.events.dead-letter'),
      relay: (env.JOURNEY_KAFKA_RELAY ?? 'off') === 'on',
      relayTopic: topic('JOURNEY_KAFKA_RELAY_TOPIC', 'journey.integration'),
      relayTypes: parseEventTypes(env.JOURNEY_KAFKA_RELAY_TYPES, problems),
    },
    journeys: {
      rulesFile: env.JOURNEY_RULES_FILE || undefined,
      webhookSecret: env.JOURNEY_WEBHOOK_SECRET || undefined,
      globalCaps: parseCaps(env.JOURNEY_GLOBAL_CAPS, problems),
      maxDepth: integer('JOURNEY_SAGA_MAX_DEPTH', 3, 1, 100),
      maxEventAgeMs: duration('JOURNEY_SAGA_MAX_EVENT_AGE', '1d'),
      maxAttempts: integer('JOURNEY_DELIVERY_ATTEMPTS', 8, 1, 100),
      backoffMs: duration('JOURNEY_DELIVERY_BACKOFF', '1s'),
      deliveryTimeoutMs: duration('JOURNEY_DELIVERY_TIMEOUT', '5s'),
      tickMs: duration('JOURNEY_SAGA_TICK', '1s'),
    },
    partitions: {
      count: integer('JOURNEY_PARTITIONS', env.JOURNEY_EVENT_STORE === 'kurrentdb' ? 1 : 16, 1, 1024),
      leaseMs: integer('JOURNEY_LEASE_SECONDS', 10, 2, 3600) * 1000,
    },
    workers: integer('JOURNEY_WORKERS', 1, 1, 64),
    trackEventMap: parseTrackEventMap(env.JOURNEY_TRACK_EVENT_MAP, problems),
    admission: {
      maxLagEvents: optionalInteger('JOURNEY_ADMISSION_MAX_LAG_EVENTS', 1, 1_000_000_000),
      maxLagSeconds: optionalInteger('JOURNEY_ADMISSION_MAX_LAG_SECONDS', 1, 31 * 86_400),
    },
    projections: {
      lifecycle: {
        loyalOrders: integer('JOURNEY_LOYAL_ORDERS', defaults.lifecycle.loyalOrders, 2, 1000),
        loyalWindowDays: integer('JOURNEY_LOYAL_WINDOW_DAYS', defaults.lifecycle.loyalWindowDays, 1, 3650),
        atRiskMinDays: integer('JOURNEY_AT_RISK_MIN_DAYS', defaults.lifecycle.atRiskMinDays, 1, 3650),
        atRiskGapFactor: number('JOURNEY_AT_RISK_GAP_FACTOR', defaults.lifecycle.atRiskGapFactor, 1, 100),
        churnDays: integer('JOURNEY_CHURN_DAYS', defaults.lifecycle.churnDays, 1, 3650),
        atRiskFrom: oneOf('JOURNEY_AT_RISK_FROM', AT_RISK_SOURCES, defaults.lifecycle.atRiskFrom),
      },
      rates: { base, rates },
      rfmWindowDays: integer('JOURNEY_RFM_WINDOW_DAYS', defaults.rfmWindowDays, 1, 3650),
      tierCutoffs: {
        high: integer('JOURNEY_TIER_HIGH', defaults.tierCutoffs.high, 3, 15),
        medium: integer('JOURNEY_TIER_MEDIUM', defaults.tierCutoffs.medium, 3, 15),
      },
      batchSize: integer('JOURNEY_PROJECTOR_BATCH', defaults.batchSize, 1, 100_000),
      gatherMs: integer('JOURNEY_PASS_GATHER_MS', defaults.gatherMs, 0, 1000),
      clockIntervalMs: integer('JOURNEY_CLOCK_INTERVAL_SECONDS', defaults.clockIntervalMs / 1000, 0, 86_400) * 1000,
      rfmIntervalMs: integer('JOURNEY_RFM_INTERVAL_SECONDS', defaults.rfmIntervalMs / 1000, 0, 7 * 86_400) * 1000,
      predictions: {
        intervalMs: integer('JOURNEY_PREDICT_INTERVAL_SECONDS', defaults.predictions.intervalMs / 1000, 0, 31 * 86_400) * 1000,
        annualDiscountRate: number('JOURNEY_CLV_DISCOUNT_RATE', defaults.predictions.annualDiscountRate, 0, 1),
        churnCutoffs: {
          medium: number('JOURNEY_CHURN_MEDIUM_RISK', defaults.predictions.churnCutoffs.medium, 0, 1),
          high: number('JOURNEY_CHURN_HIGH_RISK', defaults.predictions.churnCutoffs.high, 0, 1),
        },
        catalogueWindowDays: integer('JOURNEY_RECOMMEND_WINDOW_DAYS', defaults.predictions.catalogueWindowDays, 1, 3650),
      },
    },
  };
  // The at-risk day counts matter only when they, not the churn model, mark at risk.
  if (config.projections.lifecycle.atRiskFrom === 'days' && config.projections.lifecycle.churnDays < config.projections.lifecycle.atRiskMinDays) {
    problems.push('JOURNEY_CHURN_DAYS must not be less than JOURNEY_AT_RISK_MIN_DAYS');
  }
  if (config.projections.predictions.churnCutoffs.medium > config.projections.predictions.churnCutoffs.high) {
    problems.push('JOURNEY_CHURN_MEDIUM_RISK must not exceed JOURNEY_CHURN_HIGH_RISK');
  }
  if (config.projections.tierCutoffs.medium > config.projections.tierCutoffs.high) {
    problems.push('JOURNEY_TIER_MEDIUM must not exceed JOURNEY_TIER_HIGH');
  }
  const relaySwitch = env.JOURNEY_KAFKA_RELAY ?? 'off';
  if (relaySwitch !== 'on' && relaySwitch !== 'off') problems.push(`JOURNEY_KAFKA_RELAY must be on or off, got "${relaySwitch}"`);
  if (config.kafka.relay && config.kafka.brokers.length === 0) problems.push('JOURNEY_KAFKA_RELAY=on needs KAFKA_BROKERS');
  if (config.kafka.relayTopic === config.kafka.ingestTopic) problems.push('JOURNEY_KAFKA_RELAY_TOPIC must differ from JOURNEY_KAFKA_INGEST_TOPIC (the relay would feed ingest its own events)');
  if (config.kafka.ingestTopic === config.kafka.deadLetterTopic) {
    problems.push('JOURNEY_KAFKA_DEAD_LETTER_TOPIC must differ from JOURNEY_KAFKA_INGEST_TOPIC');
  }
  if (config.writerSlots !== undefined && config.writerSlots >= config.poolSize) {
    problems.push('JOURNEY_WRITER_SLOTS must be smaller than JOURNEY_DB_POOL_SIZE (readers need connections too)');
  }
  if (config.adminKey !== undefined && (config.adminKey.length < 32 || config.adminKey.length > 200 || /\s/.test(config.adminKey))) {
    problems.push('JOURNEY_ADMIN_KEY must be 32 to 200 characters without spaces (e.g. openssl rand -base64 32)');
  }
  if (config.eventStore.kind === 'kurrentdb' && config.partitions.count > 1) {
    problems.push('JOURNEY_PARTITIONS must be 1 with JOURNEY_EVENT_STORE=kurrentdb (the customer partitions need the PostgreSQL log)');
  }
  if (config.workers > 1 && !config.databaseUrl) {
    problems.push('JOURNEY_WORKERS above 1 needs DATABASE_URL (the embedded PGlite belongs to one process)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const KURRENT_SCHEMES = ['kurrentdb:', 'kurrentdb+discover:', 'kurrent:', 'kurrent+discover:', 'esdb:', 'esdb+discover:'];

/** JOURNEY_EVENT_STORE=postgres (default) or kurrentdb, the latter with EVENTSTORE_URL. */
function parseEventStore(env: NodeJS.ProcessEnv, problems: string[]): JourneyConfig['eventStore'] {
  const kind = env.JOURNEY_EVENT_STORE || 'postgres';
  if (kind === 'postgres') return { kind };
  if (kind !== 'kurrentdb') {
    problems.push(`JOURNEY_EVENT_STORE must be postgres or kurrentdb, got "${kind}"`);
    return { kind: 'postgres' };
  }
  const url = env.EVENTSTORE_URL || '';
  if (url === '') {
    problems.push('JOURNEY_EVENT_STORE=kurrentdb needs EVENTSTORE_URL (e.g. kurrentdb://127.0.0.1:2113?tls=false)');
    return { kind: 'postgres' };
  }
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    problems.push('EVENTSTORE_URL is not a URL (expected kurrentdb://host:2113?tls=false)');
    return { kind: 'postgres' };
  }
  if (!KURRENT_SCHEMES.includes(protocol)) problems.push(`EVENTSTORE_URL must be a kurrentdb:// (or esdb://) URL, got ${protocol}//…`);
  return { kind, url };
}

/** 32 bytes, written in base64 (44 characters) or hex (64). */
export function parseMasterKey(raw: string | undefined, problems: string[]): Buffer | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/]{43}=$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!key || key.length !== 32) {
    problems.push('JOURNEY_MASTER_KEY must be 32 bytes in base64 or hex (e.g. openssl rand -base64 32)');
    return undefined;
  }
  return key;
}

/** "PurchaseCompleted,LifecycleStageChanged": known event types, or all of them when absent. */
function parseEventTypes(raw: string | undefined, problems: string[]): ReadonlySet<string> | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const types = raw.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = types.filter((t) => !isEventType(t));
  if (unknown.length > 0) problems.push(`JOURNEY_KAFKA_RELAY_TYPES names unknown event types: ${unknown.join(', ')}`);
  // An empty list would relay nothing while moving the checkpoint past everything.
  if (types.length === 0) problems.push(`JOURNEY_KAFKA_RELAY_TYPES names no event type, got "${raw}"`);
  return new Set(types);
}

/** "USD=0.92,GBP=1.16": units of the base currency per unit of each other currency. */
function parseRates(raw: string | undefined, base: string, fallback: Readonly<Record<string, number>>, problems: string[]): Record<string, number> {
  if (raw === undefined || raw.trim() === '') return { ...fallback };
  const rates: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const [currency, value] = part.split('=').map((p) => p.trim());
    const rate = Number(value);
    if (!currency || !/^[A-Z]{3}$/.test(currency) || !isISO4217CurrencyCode(currency) || !(rate > 0)) {
      problems.push(`JOURNEY_FX_RATES must look like "USD=0.92,GBP=1.16", got "${part}"`);
      continue;
    }
    if (currency !== base) rates[currency] = rate;
  }
  return rates;
}

/** '{"Checkout Finished": "PurchaseCompleted"}': track names and the event types (of those a track can become) they become. */
function parseTrackEventMap(raw: string | undefined, problems: string[]): Record<string, string> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((type) => isEventType(type))) {
    problems.push(`JOURNEY_TRACK_EVENT_MAP must be a JSON object of track names and event types, such as {"Checkout Finished": "PurchaseCompleted"}, got ${raw}`);
    return {};
  }
  const untracked = Object.entries(parsed as Record<string, string>).filter(([, type]) => !isTrackTarget(type));
  for (const [name, type] of untracked) {
    problems.push(`JOURNEY_TRACK_EVENT_MAP maps "${name}" to ${type}, which a track cannot become: use one of ${TRACK_TARGETS.join(', ')}`);
  }
  return untracked.length > 0 ? {} : (parsed as Record<string, string>);
}

/** "webhook=3/7d,kafka=10/1d": at most N actions of a channel per customer per window. */
function parseCaps(raw: string | undefined, problems: string[]): GlobalCap[] {
  if (raw === undefined || raw.trim() === '') return [];
  const caps: GlobalCap[] = [];
  for (const part of raw.split(',')) {
    const match = /^\s*([a-z]+)=(\d+)\/(\d+[smhdw])\s*$/.exec(part);
    const perMs = match ? parseDuration(match[3]!) : undefined;
    if (!match || !ACTION_CHANNELS.includes(match[1] as ActionChannel) || perMs === undefined || Number(match[2]) < 1) {
      problems.push(`JOURNEY_GLOBAL_CAPS must look like "webhook=3/7d", got "${part}"`);
      continue;
    }
    if (perMs > MAX_RULE_DURATION_MS) {
      problems.push(`JOURNEY_GLOBAL_CAPS windows are at most ${MAX_RULE_DURATION_DAYS}d, as a rule's, got "${part}"`);
      continue;
    }
    caps.push({ channel: match[1] as ActionChannel, count: Number(match[2]), perMs });
  }
  return caps;
}

const DEFAULT_RATE_LIMITS = 'ingest=20000/1s,marketing=100/1s,auditor=100/1s,admin=1000/1s,unauthenticated=50/1s';

/** "ingest=20000/1s,marketing=100/1s,…" (roles left out keep their default), or "off". */
function parseRateLimits(raw: string | undefined, problems: string[]): JourneyConfig['rateLimits'] {
  if (raw?.trim() === 'off') return undefined;
  const limits: Record<string, { limit: number; ttlMs: number }> = {};
  for (const part of `${DEFAULT_RATE_LIMITS},${raw ?? ''}`.split(',').filter((p) => p.trim())) {
    const match = /^\s*(ingest|marketing|auditor|admin|unauthenticated)=(\d+)\/(\d+[smh])\s*$/.exec(part);
    const ttlMs = match ? parseDuration(match[3]!) : undefined;
    if (!match || ttlMs === undefined || ttlMs < 1000 || Number(match[2]) < 1) {
      problems.push(`JOURNEY_RATE_LIMITS must look like "marketing=100/1s,ingest=20000/1s" (windows of 1s or more) or be "off", got "${part}"`);
      continue;
    }
    limits[match[1]!] = { limit: Number(match[2]), ttlMs };
  }
  return limits as JourneyConfig['rateLimits'];
}
