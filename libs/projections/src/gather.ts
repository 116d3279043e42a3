/**
 * How long events gather before a read model off the latency path (the customer items, the weekly
 * aggregates) reads its next batch: under a stream of small commits it then handles a few full
 * batches a second, where reading on every commit costs a transaction per commit.
 */
export const READ_MODEL_GATHER_MS = 200;
