import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MAX_BATCH_EVENTS, type JourneyEvent } from '@journey/contracts';
import { AppendEventsCommand } from '@journey/ingest';
import { RequestRejectedError } from '@journey/platform';
import { SeedRejectedError } from '../cli-errors';
import { seed, writtenOf, type SeedReport, type SeedSink } from '../seed/seed';
import { SeedPopulationCommand } from './seed-population.command';

@CommandHandler(SeedPopulationCommand)
export class SeedPopulationHandler implements ICommandHandler<SeedPopulationCommand> {
  constructor(private readonly commands: CommandBus) {}

  execute({ options, now }: SeedPopulationCommand): Promise<SeedReport> {
    return seed(ingestSink(this.commands), options, now);
  }
}

/** Each batch as a POST /v1/events would append it: validated and appended by the same handler. */
export function ingestSink(commands: CommandBus): SeedSink {
  return {
    async write(events: readonly JourneyEvent[]) {
      let appended = 0;
      let alreadyStored = 0;
      for (let start = 0; start < events.length; start += MAX_BATCH_EVENTS) {
        const batch = events.slice(start, start + MAX_BATCH_EVENTS);
        const reply = await commands.execute(new AppendEventsCommand({ events: batch })).catch((error: unknown) => {
          // A batch refused whole names its events by index: the first refusal, as a seed refusal.
          const first = error instanceof RequestRejectedError ? error.errors[0] : undefined;
          if (!first) throw error;
          const index = /^events\[(\d+)\]/.exec(first.field)?.[1];
          throw new SeedRejectedError(index === undefined ? undefined : batch[Number(index)]?.eventId, [`${first.field} ${first.reason}`]);
        });
        const refused = reply.body.results.find((result) => result.status === 'rejected');
        if (refused?.status === 'rejected') throw new SeedRejectedError(refused.eventId, refused.errors.map((e) => `${e.field} ${e.reason}`));
        const written = writtenOf(reply.body.results);
        appended += written.appended;
        alreadyStored += written.alreadyStored;
      }
      return { appended, alreadyStored };
    },
  };
}
