import type { FieldError } from '@journey/contracts';
import { afterInCommitOrder, BELOW_HORIZON, belowHorizon, COMMIT_ORDER, isUnavailable, type Queryable } from '@journey/database';
import { StoreUnavailableError } from '@journey/event-store';
import type { Clock } from '@journey/platform';
import type { DeadLetter, DeadLetterSink } from './dead-letter';

/** A dead-letter record as the admin API lists it. */
export interface DeadLetterRecord {
  readonly id: number;
  readonly recordedAt: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly valueBytes: number;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly errors: readonly FieldError[];
}

interface StoredRow {
  readonly id: number;
  readonly recorded_at: Date;
  readonly topic: string;
  readonly kafka_partition: number;
  readonly kafka_offset: number;
  readonly message_key: string | null;
  readonly value_bytes: number;
  readonly event_id: string | null;
  readonly event_type: string | null;
  readonly errors: FieldError[];
  readonly below_horizon: boolean;
}

/** journey.dead_letters: one record per refused message, written once however often it is delivered. */
export class DeadLetterStore implements DeadLetterSink {
  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock,
  ) {}

  /**
   * Records the letters; when PostgreSQL refuses them (what the text cleaning cannot foresee),
   * records each as a stub that names the message and the refusal, so that one message cannot
   * hold its partition. A database that cannot be reached is thrown as unavailable.
   */
  async record(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    try {
      await this.insert(letters.map(rowOf));
    } catch (error) {
      if (isUnavailable(error)) throw unavailable(error);
      const reason = textOf(`could not be recorded in full; the database refused it: ${(error as Error).message}`);
      const stubs = letters.map((letter) => ({ ...rowOf(letter), key: null, eventId: null, eventType: null, errors: [{ field: 'value', reason }] }));
      await this.insert(stubs).catch((stubError: unknown) => {
        throw isUnavailable(stubError) ? unavailable(stubError) : stubError;
      });
    }
  }

  private async insert(rows: readonly Row[]): Promise<void> {
    await this.db.query(
      `INSERT INTO journey.dead_letters
         (recorded_at, topic, kafka_partition, kafka_offset, message_key, value_bytes, event_id, event_type, errors)
       SELECT $1::timestamptz, x.topic, x.partition, x."offset", x.key, x.bytes, x."eventId", x."eventType", x.errors
       FROM jsonb_to_recordset($2::jsonb) AS x(topic text, partition integer, "offset" bigint, key text, bytes integer,
                                               "eventId" text, "eventType" text, errors jsonb)
       ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING`,
      [this.clock().toISOString(), JSON.stringify(rows)],
    );
  }

  /**
   * The records after the one of id `afterId`, in the order they committed: a record committed
   * after a reader passed its id is still listed to it.
   */
  async list(afterId: number, limit: number): Promise<DeadLetterRecord[]> {
    const rows = await belowHorizon(async () => {
      const { rows: page } = await this.db.query<StoredRow>(
        `SELECT id, recorded_at, topic, kafka_partition, kafka_offset, message_key, value_bytes, event_id, event_type, errors, ${BELOW_HORIZON}
         FROM journey.dead_letters WHERE ${afterInCommitOrder('journey.dead_letters', '$1')}
         ORDER BY ${COMMIT_ORDER} LIMIT $2`,
        [afterId, limit],
      );
      return page;
    });
    return rows.map((row) => ({
      id: Number(row.id),
      recordedAt: new Date(row.recorded_at).toISOString(),
      topic: row.topic,
      partition: row.kafka_partition,
      offset: String(row.kafka_offset),
      key: row.message_key,
      valueBytes: row.value_bytes,
      eventId: row.event_id,
      eventType: row.event_type,
      errors: row.errors,
    }));
  }
}

interface Row {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly bytes: number;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly errors: readonly FieldError[];
}

function rowOf({ message, eventId, eventType, errors }: DeadLetter): Row {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key === null ? null : textOf(message.key),
    bytes: message.value?.length ?? 0,
    eventId: eventId === undefined ? null : textOf(eventId),
    eventType: eventType === undefined ? null : textOf(eventType),
    errors: errors.map((error) => ({ field: textOf(error.field), reason: textOf(error.reason) })),
  };
}

/** The consumer waits for an unreachable database and consumes the same run again; other failures stop it. */
function unavailable(error: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`the database is unavailable: ${(error as Error).message}`, { cause: error });
}

/** Text PostgreSQL takes: bytes read as UTF-8, without NUL characters or lone surrogates (a cut may split a pair). */
function textOf(value: Buffer | string): string {
  const text = typeof value === 'string' ? value : value.toString('utf8');
  return text.slice(0, 1000).toWellFormed().replaceAll('\u0000', '\uFFFD');
}
