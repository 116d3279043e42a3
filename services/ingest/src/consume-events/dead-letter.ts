import type { FieldError } from '@journey/contracts';

/** One message of the ingest topic as the consumer hands it over (a Kafka record, broker-neutral). */
export interface IngestMessage {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal text the broker gives. */
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, Buffer | string | ReadonlyArray<Buffer | string> | undefined>>;
}

/** A message the ingest could not accept, with the reasons, as a dead-letter record says. */
export interface DeadLetter {
  readonly message: IngestMessage;
  /** The event id and type the message carried, when it carried readable ones. */
  readonly eventId?: string;
  readonly eventType?: string;
  readonly errors: readonly FieldError[];
}

/** Where dead letters go: the dead-letter table, the dead-letter topic. Recording one twice is harmless. */
export interface DeadLetterSink {
  record(letters: readonly DeadLetter[]): Promise<void>;
}
