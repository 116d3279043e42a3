import type { IHeaders, Message } from 'kafkajs';
import type { FieldError } from '@journey/contracts';
import type { LazyKafkaProducer } from '@journey/kafka';
import type { DeadLetter, DeadLetterSink, IngestMessage } from './dead-letter';

/** The most the reasons header takes; the errors past it are counted, not listed. */
export const MAX_ERRORS_HEADER_BYTES = 16 * 1024;
/** A stub keeps the message's key up to this size (its partition on the dead-letter topic). */
const MAX_STUB_KEY_BYTES = 1024;

/**
 * Republishes refused messages, as they came, to the dead-letter topic, keyed as before, with
 * where they came from and why they were refused in headers. A message the broker refuses to
 * take back (too large once the headers are added) goes as a stub: its place and reasons without
 * its value, which stays at its source offset. An outage of the broker is thrown.
 */
export class KafkaDeadLetterTopic implements DeadLetterSink {
  constructor(
    private readonly producer: LazyKafkaProducer,
    private readonly topic: string,
  ) {}

  async record(letters: readonly DeadLetter[]): Promise<void> {
    try {
      await this.send(letters.map(deadLetterRecord));
    } catch (error) {
      if (!isRefusedByBroker(error)) throw error;
      // The broker takes a partition's records as one batch: one at a time, only the refused one is a stub.
      for (const letter of letters) {
        try {
          await this.send([deadLetterRecord(letter)]);
        } catch (refusal) {
          if (!isRefusedByBroker(refusal)) throw refusal;
          await this.send([stubRecord(letter, refusal as Error)]);
        }
      }
    }
  }

  close(): Promise<void> {
    return this.producer.close();
  }

  private send(messages: Message[]): Promise<void> {
    return this.producer.send({ topic: this.topic, acks: -1, messages });
  }
}

function deadLetterRecord({ message, errors }: DeadLetter): Message {
  return {
    key: message.key,
    value: message.value,
    headers: { ...(message.headers as IHeaders | undefined), ...placeHeaders(message), 'journey-errors': errorsHeader(errors) },
  };
}

function stubRecord({ message, errors }: DeadLetter, refusal: Error): Message {
  return {
    key: message.key !== null && message.key.length <= MAX_STUB_KEY_BYTES ? message.key : null,
    value: null,
    headers: {
      ...placeHeaders(message),
      'journey-errors': errorsHeader(errors),
      'journey-value-omitted': `the broker refused the dead letter: ${refusal.message.slice(0, 200)}`,
    },
  };
}

function placeHeaders(message: IngestMessage): IHeaders {
  return { 'journey-source-topic': message.topic, 'journey-source-partition': String(message.partition), 'journey-source-offset': message.offset };
}

/** The reasons as JSON, the first that fit in MAX_ERRORS_HEADER_BYTES and a count of the rest. */
export function errorsHeader(errors: readonly FieldError[]): string {
  const whole = JSON.stringify(errors);
  if (Buffer.byteLength(whole) <= MAX_ERRORS_HEADER_BYTES) return whole;
  const kept: FieldError[] = [];
  // Room for the count entry and the brackets.
  let bytes = 100;
  for (const error of errors) {
    bytes += Buffer.byteLength(JSON.stringify(error)) + 1;
    if (bytes > MAX_ERRORS_HEADER_BYTES) break;
    kept.push(error);
  }
  return JSON.stringify([...kept, { field: '', reason: `and ${errors.length - kept.length} more problems, not listed` }]);
}

/**
 * Whether the broker refused the records themselves (too large, invalid): a protocol error it
 * marks as not retriable, thrown as is or as the cause of kafkajs's own. Sending them again
 * cannot succeed, unlike after a lost connection or a timeout.
 */
export function isRefusedByBroker(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.name === 'KafkaJSProtocolError' && (current as { retriable?: unknown }).retriable === false) return true;
    current = current.cause;
  }
  return false;
}
