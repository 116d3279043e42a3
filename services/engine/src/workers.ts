import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@journey/platform';

/** The pause before a worker that died is started again, doubled for each death in a row up to the last. */
const RESTART_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];
/** A worker up this long has recovered: the next death starts from the shortest pause. */
const HEALTHY_AFTER_MS = 60_000;

/**
 * Runs `count` engine processes on one port (JOURNEY_WORKERS): node:cluster hands this process's
 * connections to the workers in turn, and each worker is a whole engine. They share the customer
 * partitions by lease, as engines started side by side on one database do, so the work of the
 * pipeline spreads over the cores too. A worker that dies is started again after a pause (its
 * partitions are taken over by the others within one lease meanwhile); SIGTERM or SIGINT stops
 * them all, and this process ends when the last has ended.
 */
export function superviseWorkers(count: number, logger: Logger): void {
  let stopping = false;
  const deaths = new Map<number, number>();
  const fork = (slot: number): void => {
    const worker = cluster.fork();
    const started = Date.now();
    worker.once('exit', (code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        return;
      }
      const inRow = Date.now() - started > HEALTHY_AFTER_MS ? 0 : (deaths.get(slot) ?? 0);
      deaths.set(slot, inRow + 1);
      const delay = RESTART_DELAYS_MS[Math.min(inRow, RESTART_DELAYS_MS.length - 1)]!;
      logger.error({ worker: slot, pid: worker.process.pid, code, signal, restartInMs: delay }, 'engine worker died; starting it again');
      setTimeout(() => !stopping && fork(slot), delay).unref();
    });
  };
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the engine workers');
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info({ workers: count }, `starting ${count} engine workers on one port`);
  for (let slot = 0; slot < count; slot++) fork(slot);
}
