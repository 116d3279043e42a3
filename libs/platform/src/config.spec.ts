import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded database in ./data on port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined, logLevel: 'info' });
    expect(config.dataDir).toMatch(/\/data$/);
  });

  it('takes a PostgreSQL URL and the listening port from the environment', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/journey', PORT: '8080' })).toMatchObject({
      databaseUrl: 'postgres://u@db:5432/journey',
      port: 8080,
    });
  });

  it('stops start-up with every bad value named', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud' });
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT must be an integer/);
      expect(problems).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
      expect(problems).toMatch(/LOG_LEVEL must be one of/);
    }
  });

  it('refuses values that would quietly switch off what they set: zero durations and windows, a blank number, an empty relay filter', () => {
    for (const env of [
      { JOURNEY_SAGA_TICK: '0s' },
      { JOURNEY_DELIVERY_TIMEOUT: '0s' },
      { JOURNEY_RATE_LIMITS: 'ingest=10/0s' },
      { PORT: ' ' },
      { JOURNEY_CLV_DISCOUNT_RATE: ' ' },
      { KAFKA_BROKERS: 'k:9092', JOURNEY_KAFKA_RELAY: 'on', JOURNEY_KAFKA_RELAY_TYPES: ',' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
    }
    expect(loadConfig({ JOURNEY_SAGA_TICK: '2s', PORT: ' 8080 ' })).toMatchObject({ port: 8080 });
  });

  it('splits customers into 16 partitions leased for 10 s by default, and validates both', () => {
    expect(loadConfig({}).partitions).toEqual({ count: 16, leaseMs: 10_000 });
    expect(loadConfig({ JOURNEY_PARTITIONS: '4', JOURNEY_LEASE_SECONDS: '30' }).partitions).toEqual({ count: 4, leaseMs: 30_000 });
    const problems = (env: NodeJS.ProcessEnv): string => {
      try {
        loadConfig(env);
        return '';
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
    };
    expect(problems({ JOURNEY_PARTITIONS: '0' })).toMatch(/JOURNEY_PARTITIONS must be an integer from 1 to 1024/);
    expect(problems({ JOURNEY_LEASE_SECONDS: '1' })).toMatch(/JOURNEY_LEASE_SECONDS must be an integer from 2 to 3600/);
    const kurrent = { JOURNEY_EVENT_STORE: 'kurrentdb', EVENTSTORE_URL: 'kurrentdb://127.0.0.1:2113?tls=false' };
    expect(loadConfig(kurrent).partitions.count).toBe(1);
    expect(problems({ ...kurrent, JOURNEY_PARTITIONS: '16' })).toMatch(/JOURNEY_PARTITIONS must be 1 with JOURNEY_EVENT_STORE=kurrentdb/);
  });

  it('runs one engine process unless JOURNEY_WORKERS asks for more, which needs PostgreSQL', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ JOURNEY_WORKERS: '2', DATABASE_URL: 'postgres://127.0.0.1/journey' }).workers).toBe(2);
    expect(() => loadConfig({ JOURNEY_WORKERS: '2' })).toThrow(/JOURNEY_WORKERS above 1 needs DATABASE_URL/);
    expect(() => loadConfig({ JOURNEY_WORKERS: '0', DATABASE_URL: 'postgres://127.0.0.1/journey' })).toThrow(/JOURNEY_WORKERS must be an integer from 1 to 64/);
  });

  it('uses Kafka only with brokers, and names every bad Kafka setting', () => {
    expect(loadConfig({}).kafka).toMatchObject({ brokers: [], ingest: true, ingestTopic: 'journey.events', relay: false, relayTypes: undefined });
    expect(loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9092', JOURNEY_KAFKA_RELAY: 'on', JOURNEY_KAFKA_RELAY_TYPES: 'PurchaseCompleted,LifecycleStageChanged' }).kafka).toMatchObject({
      brokers: ['k1:9092', 'k2:9092'],
      relay: true,
      relayTypes: new Set(['PurchaseCompleted', 'LifecycleStageChanged']),
    });
    const problems = (env: NodeJS.ProcessEnv): string => {
      try {
        loadConfig(env);
        return '';
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
    };
    expect(problems({ JOURNEY_KAFKA_RELAY: 'on' })).toMatch(/JOURNEY_KAFKA_RELAY=on needs KAFKA_BROKERS/);
    expect(problems({ JOURNEY_KAFKA_RELAY: 'yes' })).toMatch(/JOURNEY_KAFKA_RELAY must be on or off/);
    expect(problems({ JOURNEY_KAFKA_RELAY_TYPES: 'PurchaseCompleted,PurchaseTeleported' })).toMatch(/unknown event types: PurchaseTeleported/);
    expect(problems({ JOURNEY_KAFKA_INGEST_TOPIC: 'journey events' })).toMatch(/JOURNEY_KAFKA_INGEST_TOPIC must be a Kafka name/);
    expect(problems({ JOURNEY_KAFKA_DEAD_LETTER_TOPIC: 'journey.events' })).toMatch(/must differ from JOURNEY_KAFKA_INGEST_TOPIC/);
    expect(problems({ JOURNEY_KAFKA_RELAY_TOPIC: 'journey.events' })).toMatch(/JOURNEY_KAFKA_RELAY_TOPIC must differ/);
  });

  it('keeps the log in the database unless told to use KurrentDB, which needs its URL', () => {
    expect(loadConfig({}).eventStore).toEqual({ kind: 'postgres' });
    expect(loadConfig({ JOURNEY_EVENT_STORE: 'kurrentdb', EVENTSTORE_URL: 'kurrentdb://127.0.0.1:2113?tls=false' }).eventStore).toEqual({
      kind: 'kurrentdb',
      url: 'kurrentdb://127.0.0.1:2113?tls=false',
    });
    const problems = (env: NodeJS.ProcessEnv): string => {
      try {
        loadConfig(env);
        return '';
      } catch (error) {
        return (error as ConfigError).problems.join('\n');
      }
    };
    expect(problems({ JOURNEY_EVENT_STORE: 'kurrentdb' })).toMatch(/JOURNEY_EVENT_STORE=kurrentdb needs EVENTSTORE_URL/);
    expect(problems({ JOURNEY_EVENT_STORE: 'kurrentdb', EVENTSTORE_URL: 'http://127.0.0.1:2113' })).toMatch(/EVENTSTORE_URL must be a kurrentdb:\/\//);
    expect(problems({ JOURNEY_EVENT_STORE: 'kurrentdb', EVENTSTORE_URL: 'not a url' })).toMatch(/EVENTSTORE_URL is not a URL/);
    expect(problems({ JOURNEY_EVENT_STORE: 'eventstore' })).toMatch(/JOURNEY_EVENT_STORE must be postgres or kurrentdb, got "eventstore"/);
  });

  it('reads the track event map as JSON of event types, and names a bad one', () => {
    expect(loadConfig({}).trackEventMap).toEqual({});
    expect(loadConfig({ JOURNEY_TRACK_EVENT_MAP: '{"Checkout Finished": "PurchaseCompleted"}' }).trackEventMap).toEqual({ 'Checkout Finished': 'PurchaseCompleted' });
    expect(() => loadConfig({ JOURNEY_TRACK_EVENT_MAP: '{"Checkout Finished": "Purchase"}' })).toThrow(/JOURNEY_TRACK_EVENT_MAP must be a JSON object/);
    expect(() => loadConfig({ JOURNEY_TRACK_EVENT_MAP: '[1]' })).toThrow(/JOURNEY_TRACK_EVENT_MAP/);
  });

  it('refuses a track event map to a type a track cannot become, among the other problems', () => {
    const problems = (env: NodeJS.ProcessEnv): readonly string[] => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ JOURNEY_TRACK_EVENT_MAP: '{"Checkout Finished": "PurchaseCompleted", "Help Asked": "TicketOpened"}', PORT: 'x' })).toEqual([
      expect.stringMatching(/^PORT /),
      'JOURNEY_TRACK_EVENT_MAP maps "Help Asked" to TicketOpened, which a track cannot become: use one of PurchaseCompleted, PurchaseRefunded, ProductViewed, CartUpdated, SearchPerformed, PageViewed, CustomEvent',
    ]);
  });

  it('leaves the admission limit off unless set, and names a bad one', () => {
    expect(loadConfig({}).admission).toEqual({ maxLagEvents: undefined, maxLagSeconds: undefined });
    expect(loadConfig({ JOURNEY_ADMISSION_MAX_LAG_EVENTS: '50000', JOURNEY_ADMISSION_MAX_LAG_SECONDS: '120' }).admission).toEqual({ maxLagEvents: 50_000, maxLagSeconds: 120 });
    expect(() => loadConfig({ JOURNEY_ADMISSION_MAX_LAG_EVENTS: '0' })).toThrow(/JOURNEY_ADMISSION_MAX_LAG_EVENTS must be an integer from 1/);
    expect(() => loadConfig({ JOURNEY_ADMISSION_MAX_LAG_SECONDS: '2m' })).toThrow(/JOURNEY_ADMISSION_MAX_LAG_SECONDS must be an integer from 1/);
  });

  it('takes global caps per channel, with windows no longer than a rule may hold', () => {
    expect(loadConfig({ JOURNEY_GLOBAL_CAPS: 'webhook=3/7d,kafka=10/36500d' }).journeys.globalCaps).toEqual([
      { channel: 'webhook', count: 3, perMs: 7 * 86_400_000 },
      { channel: 'kafka', count: 10, perMs: 36_500 * 86_400_000 },
    ]);
    expect(() => loadConfig({ JOURNEY_GLOBAL_CAPS: 'webhook=1/200000000d' })).toThrow(/JOURNEY_GLOBAL_CAPS windows are at most 36500d/);
  });

  it('takes at risk from day counts unless told to use the churn model, and names a bad source', () => {
    expect(loadConfig({}).projections.lifecycle.atRiskFrom).toBe('days');
    expect(loadConfig({ JOURNEY_AT_RISK_FROM: 'model' }).projections.lifecycle.atRiskFrom).toBe('model');
    expect(() => loadConfig({ JOURNEY_AT_RISK_FROM: 'ml' })).toThrow(/JOURNEY_AT_RISK_FROM must be one of days, model, got "ml"/);
    // The day counts are unused with the model, so they need not fit under churnDays.
    expect(() => loadConfig({ JOURNEY_CHURN_DAYS: '30' })).toThrow(/JOURNEY_CHURN_DAYS must not be less than JOURNEY_AT_RISK_MIN_DAYS/);
    expect(loadConfig({ JOURNEY_CHURN_DAYS: '30', JOURNEY_AT_RISK_FROM: 'model' }).projections.lifecycle.churnDays).toBe(30);
  });
});
