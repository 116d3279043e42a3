/**
 * node dist/test/bench/bus.bench.js — what a dispatch through @nestjs/cqrs' CommandBus costs
 * beside calling the handler itself: both with a handler that does nothing, so that the
 * difference is the bus alone (its lookup, its in-memory publish, the extra promise). Compare
 * it with the time an append request takes (npm run bench:append). Prints only.
 * CALLS (default 200,000 per round) and ROUNDS (default 5) tune it.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command, CommandBus, CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { fmt, median } from './bench-support';

const CALLS = Number(process.env.CALLS ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

class NoteCommand extends Command<number> {
  constructor(readonly n: number) {
    super();
  }
}

@CommandHandler(NoteCommand)
class NoteHandler implements ICommandHandler<NoteCommand> {
  execute({ n }: NoteCommand): Promise<number> {
    return Promise.resolve(n);
  }
}

@Module({ imports: [CqrsModule.forRoot()], providers: [NoteHandler] })
class BusBenchModule {}

/** Nanoseconds per call of `call`, awaited one after another. */
async function nanosPerCall(call: (n: number) => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let n = 0; n < CALLS; n++) await call(n);
  return Number(process.hrtime.bigint() - started) / CALLS;
}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(BusBenchModule, { logger: false });
  await app.init();
  const bus = app.get(CommandBus);
  const handler = app.get(NoteHandler);
  const direct: number[] = [];
  const viaBus: number[] = [];
  // Alternated, so that the machine's drift falls on both alike; the first round warms up.
  for (let round = 0; round <= ROUNDS; round++) {
    const d = await nanosPerCall((n) => handler.execute(new NoteCommand(n)));
    const b = await nanosPerCall((n) => bus.execute(new NoteCommand(n)));
    if (round > 0) {
      direct.push(d);
      viaBus.push(b);
    }
  }
  await app.close();
  const cost = median(viaBus.map((b, i) => b - direct[i]!));
  process.stdout.write(
    `handler called directly: ${fmt(median(direct))} ns per call\n` +
      `through the CommandBus:  ${fmt(median(viaBus))} ns per call\n` +
      `the bus's own cost:      ${fmt(cost)} ns per dispatch (median of ${ROUNDS} rounds of ${fmt(CALLS)} calls)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
