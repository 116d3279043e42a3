import { appendMetrics, createRegistry } from './metrics';

async function value(registry: ReturnType<typeof createRegistry>, name: string): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.reduce((sum, sample) => sum + sample.value, 0);
}

describe('appendMetrics', () => {
  it('counts appended events apart from resends answered as already stored', async () => {
    const registry = createRegistry();
    const observer = appendMetrics(registry);
    observer.batchWritten({ calls: 3, submitted: 7, appended: 1, duplicates: 4, seconds: 0.002, attempts: 1 });
    observer.batchWritten({ calls: 1, submitted: 2, appended: 2, duplicates: 0, seconds: 0.001, attempts: 1 });
    expect(await value(registry, 'journey_append_events_total')).toBe(3);
    expect(await value(registry, 'journey_append_duplicates_total')).toBe(4);
    // Batch sizes stay what the batches held, whatever became of their events.
    expect(await registry.metrics()).toMatch(/^journey_group_commit_batch_events_sum 9$/m);
  });
});
