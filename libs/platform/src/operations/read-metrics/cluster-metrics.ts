import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** How long a worker waits for the primary's answer (prom-client gives up on a silent worker after 5 s). */
const ANSWER_TIMEOUT_MS = 10_000;

/** A worker's request for the metrics of every worker, and the primary's reply. */
type ClusterMetricsMessage =
  | { readonly type: 'journey:cluster-metrics-request'; readonly id: number }
  | { readonly type: 'journey:cluster-metrics-answer'; readonly id: number; readonly text: string }
  | { readonly type: 'journey:cluster-metrics-failed'; readonly id: number; readonly reason: string };

function isClusterMetricsMessage(message: unknown): message is ClusterMetricsMessage {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('journey:cluster-metrics-') && typeof (message as { id?: unknown }).id === 'number';
}

/**
 * In the primary: a worker asking for /metrics gets the metrics of every worker, gathered over
 * IPC and aggregated by prom-client (counters and histograms summed, each gauge by its `aggregator`).
 */
export function serveClusterMetrics(): void {
  const registry = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isClusterMetricsMessage(message) || message.type !== 'journey:cluster-metrics-request') return;
    const reply = (answer: ClusterMetricsMessage): void => {
      // A worker that died meanwhile needs no answer.
      if (worker.isConnected()) worker.send(answer, undefined, () => undefined);
    };
    registry.clusterMetrics().then(
      (text) => reply({ type: 'journey:cluster-metrics-answer', id: message.id, text }),
      (error: unknown) => reply({ type: 'journey:cluster-metrics-failed', id: message.id, reason: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/**
 * In a worker, first thing: answers the primary's requests for this worker's metrics, with none
 * until `shareWorkerMetrics` names the registry, so that a worker still starting never leaves a
 * scrape waiting for its answer. (prom-client listens for them when an AggregatorRegistry is made.)
 */
export function answerClusterMetricsRequests(): void {
  AggregatorRegistry.setRegistries([]);
  new AggregatorRegistry();
}

/** In a worker: the registry whose metrics this worker adds to those of the others. */
export function shareWorkerMetrics(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
}

/** In a worker: the metrics of every worker, as the primary gathers them, in the Prometheus text format. */
export class PrimaryMetrics {
  private asked = 0;
  private readonly waiting = new Map<number, (reply: ClusterMetricsMessage) => void>();

  constructor(private readonly timeoutMs = ANSWER_TIMEOUT_MS) {
    process.on('message', (message: unknown) => {
      if (isClusterMetricsMessage(message)) this.waiting.get(message.id)?.(message);
    });
  }

  read(): Promise<string> {
    const id = this.asked++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => settle({ type: 'journey:cluster-metrics-failed', id, reason: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
      const settle = (reply: ClusterMetricsMessage): void => {
        clearTimeout(timer);
        this.waiting.delete(id);
        switch (reply.type) {
          case 'journey:cluster-metrics-answer':
            return resolve(reply.text);
          case 'journey:cluster-metrics-failed':
            return reject(new Error(`the engine's workers' metrics could not be gathered: ${reply.reason}`));
          case 'journey:cluster-metrics-request':
            return;
          default: {
            const unexpected: never = reply;
            return unexpected;
          }
        }
      };
      this.waiting.set(id, settle);
      process.send!({ type: 'journey:cluster-metrics-request', id } satisfies ClusterMetricsMessage, undefined, {}, (error: Error | null) => {
        if (error) settle({ type: 'journey:cluster-metrics-failed', id, reason: error.message });
      });
    });
  }
}
