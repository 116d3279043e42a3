import { Kafka, logLevel, type LogEntry } from 'kafkajs';

/** What the client logs through: the engine's logger, or any logger of the same shape. */
export interface KafkaLogger {
  child(bindings: object): KafkaLogger;
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/**
 * A Kafka client for one role of the engine (ingest, saga), logging through the engine's logger
 * at warn and above. A connection attempt gives up after a few seconds; its caller tries again
 * with its own backoff, so a shutdown never waits long for a broker that is down.
 */
export function kafkaClient(brokers: readonly string[], clientId: string, logger: KafkaLogger): Kafka {
  const log = logger.child({ component: 'kafkajs', clientId });
  return new Kafka({
    clientId,
    brokers: [...brokers],
    connectionTimeout: 3000,
    retry: { initialRetryTime: 300, retries: 3 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, timestamp: _at, ...fields } = entry.log;
      const line = `${entry.namespace ? `[${entry.namespace}] ` : ''}${message}`;
      if (entry.level === logLevel.ERROR) log.error(fields, line);
      else if (entry.level === logLevel.WARN) log.warn(fields, line);
      else log.debug(fields, line);
    },
  });
}
