import type { Command } from 'commander';
import { ListDeadLettersQuery } from '@journey/ingest';
import { withEngine, withKafkaAdmin } from '../cli-context';
import { positive } from '../cli-options';
import { EnsureTopicsCommand } from '../ensure-topics/ensure-topics.command';

/** `kafka topics` and `kafka dead-letters`: the topics of the Kafka ingest and relay, and what the ingest refused. */
export function registerKafkaCommands(program: Command): void {
  const kafka = program.command('kafka').description('the Kafka ingest and relay (KAFKA_BROKERS)');

  kafka
    .command('topics')
    .description('create the ingest topic, its dead-letter topic and the integration topic where they do not exist (infra/kafka/topics.json)')
    .action(async () => {
      const { created, existing } = await withKafkaAdmin(({ commands }) => commands.execute(new EnsureTopicsCommand()));
      for (const name of created) process.stdout.write(`created ${name}\n`);
      for (const name of existing) process.stdout.write(`exists ${name}\n`);
    });

  kafka
    .command('dead-letters')
    .description('the messages the Kafka ingest refused, in the order they were recorded: where each was, its event id and type, and why')
    .option('--after <id>', 'the records after the one with this id (the last id a previous page listed)', '0')
    .option('--limit <n>', 'at most this many records', '100')
    .action(async (options: Record<string, string>) => {
      const query = new ListDeadLettersQuery(positive('--after', options.after!, 0), positive('--limit', options.limit!));
      const { items } = await withEngine(({ queries }) => queries.execute(query), { personalData: false });
      for (const record of items) {
        const where = `${record.topic}[${record.partition}]@${record.offset}`;
        const what = record.eventId ? ` ${record.eventType ?? '?'} ${record.eventId}` : '';
        const why = record.errors.map((error) => `${error.field || 'value'}: ${error.reason}`).join('; ');
        process.stdout.write(`${record.id}\t${record.recordedAt}\t${where}${what}\t${why}\n`);
      }
    });
}
