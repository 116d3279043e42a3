import cluster, { type Worker } from 'node:cluster';
import { serveClusterMetrics, type Logger } from '@journey/platform';

/** The pause before a worker that died is started again, doubled for each death in a row up to the last. */
const RESTART_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];
/** A worker up this long has recovered: the next death starts from the shortest pause. */
const HEALTHY_AFTER_MS = 60_000;

/**
 * Runs `count` engine processes on one port (JOURNEY_WORKERS): node:cluster hands this process's
 * connections to the workers in turn, and each worker is a whole engine. They share the customer
 * partitions by lease, as engines started side by side on one database do, so the work of the
 * pipeline spreads over the cores too. A worker that dies is started again after a pause (its
 * partitions are taken over by the others within one lease meanwhile), even when every worker
 * died at once. /metrics, whichever worker takes it, answers for them all: they are gathered here.
 * SIGTERM or SIGINT stops them all, and this process ends with code 0 when the last has ended;
 * any other end of it has a non-zero code, so that a service manager restarts it.
 */
export function superviseWorkers(count: number, logger: Logger): void {
  let stopping = false;
  const deaths = new Map<number, number>();
  /** Slot → the timer that starts its worker again: it keeps this process alive when no worker is. */
  const restarts = new Map<number, NodeJS.Timeout>();
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
      restarts.set(
        slot,
        setTimeout(() => {
          restarts.delete(slot);
          fork(slot);
        }, delay),
      );
    });
  };
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    for (const timer of restarts.values()) clearTimeout(timer);
    restarts.clear();
    logger.info({ signal }, 'stopping the engine workers');
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Nothing left to wait for, unasked: an end a service manager must see as a failure.
  process.once('beforeExit', () => {
    if (stopping) return;
    logger.error({ workers: Object.keys(cluster.workers ?? {}).length, restarting: restarts.size }, 'the engine supervisor has nothing left to run; ending with code 1');
    process.exitCode = 1;
  });
  serveClusterMetrics();
  logger.info({ workers: count }, `starting ${count} engine workers on one port`);
  for (let slot = 0; slot < count; slot++) fork(slot);
}
