import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Synchronous writes by default: the engine logs little (never per request), and a line written
 * just before a signal ends the process must not be lost in a buffer.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination({ fd: 1, sync: true })): Logger {
  return pino({ level, base: { service: 'journey' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** Nest's start-up narration (modules loaded, each route mapped): debug, so that a start says what matters. */
const START_UP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Nest's own messages, through the same pino logger as ours. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && START_UP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
