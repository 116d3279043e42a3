import type { Queryable } from '@journey/database';
import { ConcurrencyError, StoreUnavailableError } from '../errors';
import type { EventOutcome } from '../event-store.port';
import type { BatchReport } from './append-batch';
import { GroupCommitWriter, type BatchRunner, type BatchWritten } from './group-commit';
import type { AppendCall } from './prepared-event';

/** A runner whose batches finish when the test says so, recording what each batch held. */
class ControlledRunner implements BatchRunner {
  readonly batches: Array<{ streams: string[][]; finish: (report?: Partial<BatchReport>) => void }> = [];

  run(_db: Queryable, calls: readonly AppendCall[]): Promise<BatchReport> {
    return new Promise((resolve) => {
      this.batches.push({
        streams: calls.map((call) => call.requests.map((r) => r.streamId)),
        finish: (report) =>
          resolve({
            outcomes: calls.map(() => ({ ok: true, result: { outcomes: [] } })),
            txId: 1,
            attempts: 1,
            ...report,
          }),
      });
    });
  }
}

function call(...streams: string[]): AppendCall {
  return { requests: streams.map((streamId) => ({ streamId, events: [], expected: 'any' })), eventCount: 1 };
}

function eventsOf(streamId: string, ...statuses: Array<'appended' | 'duplicate'>): EventOutcome[] {
  return statuses.map((status, i) => ({ status, eventId: `${streamId}-${i}`, streamId, streamPosition: i + 1 }));
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommitWriter', () => {
  it('puts the callers that become ready in the same turn into one batch', async () => {
    const runner = new ControlledRunner();
    const writer = new GroupCommitWriter({} as Queryable, runner, { slots: 1, maxBatchEvents: 100 }, () => undefined);
    const all = ['a', 'b', 'c'].map((s) => writer.submit(call(s)));
    await tick();
    expect(runner.batches.map((b) => b.streams)).toEqual([[['a'], ['b'], ['c']]]);
    runner.batches[0]!.finish();
    await Promise.all(all);
  });

  it('combines the callers that queued while a batch was in flight into the next batch', async () => {
    const runner = new ControlledRunner();
    const writer = new GroupCommitWriter({} as Queryable, runner, { slots: 1, maxBatchEvents: 100 }, () => undefined);
    const first = writer.submit(call('a'));
    await tick();
    const rest = ['b', 'c', 'd', 'e'].map((s) => writer.submit(call(s)));
    await tick();
    expect(runner.batches.map((b) => b.streams)).toEqual([[['a']]]);
    runner.batches[0]!.finish();
    await first;
    await tick();
    expect(runner.batches[1]!.streams).toEqual([['b'], ['c'], ['d'], ['e']]);
    runner.batches[1]!.finish();
    await Promise.all(rest);
  });

  it('spreads the queue over free slots but never puts one stream in two batches at once', async () => {
    const runner = new ControlledRunner();
    const writer = new GroupCommitWriter({} as Queryable, runner, { slots: 3, maxBatchEvents: 100 }, () => undefined);
    const pending = [writer.submit(call('a')), writer.submit(call('a')), writer.submit(call('b')), writer.submit(call('a', 'c'))];
    await tick();
    // "b" runs beside "a". "a+c" could run in no other batch while "a" is written, so it joins
    // the batch holding "a" (in order, after the calls on "a" before it).
    expect(runner.batches.map((b) => b.streams)).toEqual([[['a'], ['a'], ['a', 'c']], [['b']]]);
    // A free slot does not take a call on a stream that a batch in flight holds.
    const later = writer.submit(call('c'));
    runner.batches[1]!.finish();
    await tick();
    expect(runner.batches).toHaveLength(2);
    runner.batches[0]!.finish();
    await tick();
    await tick();
    expect(runner.batches.map((b) => b.streams).slice(2)).toEqual([[['c']]]);
    runner.batches[2]!.finish();
    await Promise.all([...pending, later]);
  });

  it('keeps a call behind an earlier one on its stream that did not fit into the batch', async () => {
    const runner = new ControlledRunner();
    const writer = new GroupCommitWriter({} as Queryable, runner, { slots: 1, maxBatchEvents: 2 }, () => undefined);
    const pending = [writer.submit(call('a')), writer.submit(call('a')), writer.submit(call('a', 'b')), writer.submit(call('b'))];
    await tick();
    // The batch is full after two calls on "a"; "b" alone would fit nowhere before "a+b".
    expect(runner.batches.map((b) => b.streams)).toEqual([[['a'], ['a']]]);
    runner.batches[0]!.finish();
    await tick();
    await tick();
    expect(runner.batches[1]!.streams).toEqual([['a', 'b'], ['b']]);
    runner.batches[1]!.finish();
    await Promise.all(pending);
  });

  it('starts another slot only when enough events wait, so few callers share one commit', async () => {
    const runner = new ControlledRunner();
    const writer = new GroupCommitWriter(
      {} as Queryable,
      runner,
      { slots: 3, maxBatchEvents: 100, minEventsForAnotherSlot: 4 },
      () => undefined,
    );
    const first = writer.submit(call('a'));
    await tick();
    const few = ['b', 'c', 'd'].map((s) => writer.submit(call(s)));
    await tick();
    expect(runner.batches).toHaveLength(1);
    const more = ['e', 'f', 'g', 'h', 'i'].map((s) => writer.submit(call(s)));
    await tick();
    // Eight waiting events fill two more slots to the threshold.
    expect(runner.batches.map((b) => b.streams.length)).toEqual([1, 4, 4]);
    for (const batch of runner.batches) batch.finish();
    await Promise.all([first, ...few, ...more]);
  });

  it("settles each caller with its own outcome: one caller's failure is not another's", async () => {
    const runner = new ControlledRunner();
    const writer = new GroupCommitWriter({} as Queryable, runner, { slots: 1, maxBatchEvents: 100 }, () => undefined);
    const blocker = writer.submit(call('x'));
    await tick();
    const ok = writer.submit(call('a'));
    const failing = writer.submit(call('b'));
    runner.batches[0]!.finish();
    await blocker;
    await tick();
    runner.batches[1]!.finish({
      outcomes: [
        { ok: true, result: { outcomes: [] } },
        { ok: false, error: new Error('bad data of b') },
      ],
    });
    await expect(ok).resolves.toEqual({ outcomes: [] });
    await expect(failing).rejects.toThrow('bad data of b');
  });

  it('on close, lets accepted appends finish and refuses new ones', async () => {
    const runner = new ControlledRunner();
    const writer = new GroupCommitWriter({} as Queryable, runner, { slots: 1, maxBatchEvents: 100 }, () => undefined);
    const accepted = writer.submit(call('a'));
    await tick();
    let closed = false;
    const closing = writer.close().then(() => (closed = true));
    await expect(writer.submit(call('b'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await tick();
    expect(closed).toBe(false);
    runner.batches[0]!.finish();
    await accepted;
    await closing;
    expect(closed).toBe(true);
  });

  it('reports each commit with its transaction id', async () => {
    const runner = new ControlledRunner();
    const commits: number[] = [];
    const writer = new GroupCommitWriter({} as Queryable, runner, { slots: 1, maxBatchEvents: 100 }, (tx) => commits.push(tx));
    const done = writer.submit(call('a'));
    await tick();
    runner.batches[0]!.finish({ txId: 42 });
    await done;
    expect(commits).toEqual([42]);
  });

  it('reports as appended only the events stored, not resends answered as duplicates nor refused calls', async () => {
    const runner = new ControlledRunner();
    const reports: BatchWritten[] = [];
    const observer = { batchWritten: (report: BatchWritten) => reports.push(report), callSettled: () => undefined };
    const writer = new GroupCommitWriter({} as Queryable, runner, { slots: 1, maxBatchEvents: 100 }, () => undefined, observer);
    const sized = (streamId: string, eventCount: number): AppendCall => ({ ...call(streamId), eventCount });
    const fresh = writer.submit(sized('a', 2));
    const resend = writer.submit(sized('b', 3));
    const refused = writer.submit(sized('c', 2)).catch((error: unknown) => error);
    await tick();
    runner.batches[0]!.finish({
      outcomes: [
        { ok: true, result: { outcomes: eventsOf('a', 'appended', 'duplicate') } },
        { ok: true, result: { outcomes: eventsOf('b', 'duplicate', 'duplicate', 'duplicate') } },
        { ok: false, error: new ConcurrencyError('c', 1, 4) },
      ],
    });
    await Promise.all([fresh, resend]);
    expect(await refused).toBeInstanceOf(ConcurrencyError);
    expect(reports).toEqual([expect.objectContaining({ calls: 3, submitted: 7, appended: 1, duplicates: 4 })]);
  });
});
