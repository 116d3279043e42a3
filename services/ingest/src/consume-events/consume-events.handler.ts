import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { FieldError } from '@journey/contracts';
import { AppendRejectedError, type EventStore } from '@journey/event-store';
import type { Clock } from '@journey/platform';
import { eventIdOf, ingestEvents, type EventResult } from '../append-events/ingest-events';
import { ConsumeEventsCommand } from './consume-events.command';
import type { ConsumeReport } from './consume-report';
import type { DeadLetter, DeadLetterSink, IngestMessage } from './dead-letter';

/** Messages larger than this are refused unread: an event is at most 64 KiB, whitespace aside. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type { ConsumeReport };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The Kafka ingest of one run of messages of a partition: each message holds one event, as
 * upstream apps post it over HTTP. The valid events are appended together, per stream in the
 * order of their offsets; the others become dead letters with the field and the reason. When
 * this resolves, every message is either committed to the log or recorded as a dead letter, so
 * its offset may be committed. A failure of the store is thrown before any dead letter is
 * written: the messages are then consumed again, and appends of events already stored answer
 * as duplicates.
 */
@CommandHandler(ConsumeEventsCommand)
export class ConsumeEventsHandler implements ICommandHandler<ConsumeEventsCommand> {
  constructor(
    private readonly store: EventStore,
    private readonly sinks: readonly DeadLetterSink[],
    private readonly clock: Clock,
  ) {}

  execute({ messages, deadLetterTopic }: ConsumeEventsCommand): Promise<ConsumeReport> {
    return this.handle(messages, deadLetterTopic ? [deadLetterTopic] : []);
  }

  /** `before`: sinks that get the dead letters ahead of this handler's own. */
  async handle(messages: readonly IngestMessage[], before: readonly DeadLetterSink[] = []): Promise<ConsumeReport> {
    const letters: Array<DeadLetter | undefined> = new Array(messages.length);
    const inputs: unknown[] = [];
    const sources: number[] = [];
    messages.forEach((message, i) => {
      const parsed = parseMessage(message);
      if ('errors' in parsed) letters[i] = { message, errors: parsed.errors };
      else {
        inputs.push(parsed.input);
        sources.push(i);
      }
    });

    let appended = 0;
    let duplicates = 0;
    const results = await this.append(inputs);
    results.forEach((result, k) => {
      const i = sources[k]!;
      if (result.status === 'rejected') letters[i] = { message: messages[i]!, eventId: result.eventId, eventType: typeOf(inputs[k]), errors: result.errors };
      else if (result.status === 'appended') appended++;
      else duplicates++;
    });

    const deadLetters = letters.filter((letter): letter is DeadLetter => letter !== undefined);
    if (deadLetters.length > 0) for (const sink of [...before, ...this.sinks]) await sink.record(deadLetters);
    return { appended, duplicates, deadLetters };
  }

  /**
   * All the events as one append; when PostgreSQL refuses the data of one of them (what
   * validation cannot foresee), one by one in order, so that only that one is refused.
   */
  private async append(inputs: readonly unknown[]): Promise<EventResult[]> {
    if (inputs.length === 0) return [];
    const options = { now: this.clock(), rootField: 'value' };
    try {
      return await ingestEvents(this.store, inputs, options);
    } catch (error) {
      if (!(error instanceof AppendRejectedError)) throw error;
    }
    const results: EventResult[] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        const [result] = await ingestEvents(this.store, [input], options);
        results.push({ ...result!, index });
      } catch (error) {
        if (!(error instanceof AppendRejectedError)) throw error;
        results.push({ index, eventId: eventIdOf(input), status: 'rejected', errors: [{ field: 'value', reason: `was refused by the database: ${error.message}` }] });
      }
    }
    return results;
  }
}

/** The message's value as parsed JSON, or why it holds no event. Problems of the whole event are named `value`. */
export function parseMessage(message: IngestMessage): { readonly input: unknown } | { readonly errors: readonly FieldError[] } {
  const value = message.value;
  const refuse = (reason: string) => ({ errors: [{ field: 'value', reason }] });
  if (value === null || value.length === 0) return refuse('is empty: a message holds one event as JSON');
  if (value.length > MAX_MESSAGE_BYTES) return refuse(`is ${value.length} bytes; a message may be at most ${MAX_MESSAGE_BYTES} bytes`);
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return refuse('is not UTF-8 text');
  }
  try {
    return { input: JSON.parse(text) as unknown };
  } catch (error) {
    return refuse(`is not JSON: ${(error as Error).message}`);
  }
}

function typeOf(input: unknown): string | undefined {
  const type = (input as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.length <= 100 ? type : undefined;
}
