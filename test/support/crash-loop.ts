import { randomInt } from 'node:crypto';
import { streamIdOf, type JourneyEvent } from '@journey/contracts';
import type { Database } from '@journey/database';
import { CHECKPOINTS_OF, type EventStore } from '@journey/event-store';
import { CUSTOMER_PROJECTION, projectionLag } from '@journey/projections';
import type { EngineProcess } from './engine-process';

/** Appends each customer's history (one appendMany per customer, a short pause between) until stopped. */
export function writeHistories(store: EventStore<unknown>, histories: Iterable<{ readonly events: readonly JourneyEvent[] }>): { readonly done: () => boolean; stop(): Promise<void> } {
  let writing = true;
  let written = false;
  const writer = (async () => {
    for (const history of histories) {
      if (!writing) break;
      const byStream = new Map<string, JourneyEvent[]>();
      for (const event of history.events) byStream.set(streamIdOf(event), [...(byStream.get(streamIdOf(event)) ?? []), event]);
      await store.appendMany([...byStream].map(([streamId, events]) => ({ streamId, events })));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    written = true;
  })();
  return {
    done: () => written,
    stop: async () => {
      writing = false;
      await writer;
    },
  };
}

/** The customer pass's position: the sum over its checkpoints (one, or one per partition), so any move shows. */
export async function passPosition(db: Database): Promise<number> {
  const { rows } = await db.query<{ position: number | string }>(
    `SELECT coalesce(sum(position), 0) AS position FROM journey.checkpoints WHERE ${CHECKPOINTS_OF}`,
    [CUSTOMER_PROJECTION],
  );
  return Number(rows[0]?.position ?? 0);
}

/**
 * Starts the process and SIGKILLs it at a random point once its pass is under way (mid-batch,
 * mid-write or between batches), `crashes` times. Answers how many of the crashes found the
 * checkpoint moved since the one before.
 */
export async function killRepeatedly(db: Database, process: EngineProcess, crashes: number, written: () => boolean): Promise<number> {
  let moves = 0;
  let last = await passPosition(db);
  for (let crash = 0; crash < crashes; crash++) {
    await process.start();
    for (let waited = 0; (await passPosition(db)) === last; waited += 20) {
      if (written() && (await projectionLag(db, CUSTOMER_PROJECTION)).events === 0) break;
      if (waited > 120_000) throw new Error('the customer pass did not move its checkpoint');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, randomInt(400)));
    await process.kill();
    const position = await passPosition(db);
    if (position > last) moves++;
    last = position;
  }
  return moves;
}

/** Starts the process, waits until the customer pass has folded the whole log, and stops it. */
export async function drainPass(db: Database, process: EngineProcess): Promise<void> {
  await process.start();
  for (let waited = 0; (await projectionLag(db, CUSTOMER_PROJECTION)).events > 0; waited += 200) {
    if (waited > 600_000) throw new Error('the customer pass did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await process.stop();
}
