import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { migrate } from '@journey/database';
import { backfillJobs, runBackfill, runningBackfills, SegmentRejectedError, SegmentStore, segmentMembers, segmentSizes, startBackfill, type BackfillJob } from '@journey/projections';
import { withDatabase, withStore } from '../cli-database';
import { duration } from '../seed/progress';

/** `segments list|create|show|members|backfill`: saved audiences, their members and their backfills. */
export function registerSegmentsCommands(program: Command): void {
  const segments = program.command('segments').description('saved segments (audiences kept current live)');

  segments
    .command('list')
    .description('every segment at its current version, with its size now')
    .action(async () => {
      const rows = await withDatabase(async (db) => {
        await migrate(db);
        const sizes = await segmentSizes(db);
        return (await SegmentStore.current(db)).map((r) => ({ ...r, size: sizes.get(r.segment.id) ?? 0 }));
      });
      if (rows.length === 0) process.stdout.write('no segments yet\n');
      for (const r of rows) process.stdout.write(`${r.segment.id}  v${r.segment.version}  ${r.size.toLocaleString('en-US')} members  ${r.segment.name}\n`);
    });

  segments
    .command('create')
    .description('save the segments of a JSON file (one or a list; a new version where one changed) and backfill each over every customer')
    .requiredOption('--file <file>', 'the JSON definition(s)')
    .option('--no-backfill', 'save only; the engine runs the backfill')
    .action(async (options: { file: string; backfill: boolean }) => {
      const parsed = JSON.parse(readFileSync(options.file, 'utf8')) as unknown;
      const definitions = Array.isArray(parsed) ? parsed : [parsed];
      await withStore(async (db, store) => {
        for (const definition of definitions) {
          const id = (definition as { id?: unknown }).id;
          const exists = typeof id === 'string' && (await SegmentStore.current(db, true)).some((r) => r.segment.id === id && !r.archived);
          let saved;
          try {
            saved = await SegmentStore.save(db, definition, { create: !exists, id: exists ? (id as string) : undefined });
          } catch (error) {
            if (error instanceof SegmentRejectedError) throw new Error(`${String(id)}: ${error.errors.map((e) => `${e.field} ${e.reason}`).join('; ')}`);
            throw error;
          }
          const { segment } = saved.record;
          process.stdout.write(`${segment.id}: ${saved.changed ? `saved as version ${segment.version}` : 'unchanged'}\n`);
          if (!saved.changed) continue;
          const job = await startBackfill(db, segment.id, segment.version, randomUUID(), new Date());
          if (!options.backfill) {
            process.stdout.write(`  backfill ${job.jobId} recorded; the engine runs it\n`);
            continue;
          }
          const bar = new BackfillBar();
          const done = await runBackfill(store, job.jobId, { chunk: 2000, onProgress: (progress) => bar.draw(progress) });
          bar.finish(done);
        }
      });
    });

  segments
    .command('show')
    .description('a segment: its definition, size and latest backfills')
    .argument('<id>')
    .action(async (id: string) => {
      await withDatabase(async (db) => {
        await migrate(db);
        const record = await SegmentStore.get(db, id);
        const size = (await segmentSizes(db, [id])).get(id) ?? 0;
        const jobs = await backfillJobs(db, id, 5);
        process.stdout.write(`${record.segment.id} v${record.segment.version}${record.archived ? ' (archived)' : ''}: ${record.segment.name}\n`);
        process.stdout.write(`members: ${size.toLocaleString('en-US')}\n${JSON.stringify(record.definition, null, 2)}\n`);
        for (const job of jobs) process.stdout.write(`backfill ${job.jobId}: ${job.status}, ${job.done}/${job.total}, entered ${job.entered}, exited ${job.exited}\n`);
      });
    });

  segments
    .command('members')
    .description("a segment's members as CSV (customer id, since, version, backfill)")
    .argument('<id>')
    .action(async (id: string) => {
      await withDatabase(async (db) => {
        await migrate(db);
        await SegmentStore.get(db, id);
        process.stdout.write('customer_id,since,version,backfill\n');
        for (let after = ''; ; ) {
          const page = await segmentMembers(db, id, after, 5000);
          for (const m of page) process.stdout.write(`${m.customerId},${m.since},${m.version},${m.backfill}\n`);
          if (page.length < 5000) break;
          after = page[page.length - 1]!.customerId;
        }
      });
    });

  segments
    .command('backfill')
    .description('run the backfills left running (all, or one job) to their end, with a progress bar')
    .argument('[jobId]')
    .action(async (jobId?: string) => {
      await withStore(async (db, store) => {
        const running = (await runningBackfills(db)).filter((id) => jobId === undefined || id === jobId);
        if (running.length === 0) process.stdout.write('no backfill running\n');
        for (const id of running) {
          const bar = new BackfillBar();
          bar.finish(await runBackfill(store, id, { chunk: 2000, onProgress: (progress) => bar.draw(progress) }));
        }
      });
    });
}

/** A progress bar on stderr: redrawn on a terminal, a line every few seconds otherwise. */
class BackfillBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly interactive = Boolean(process.stderr.isTTY);

  draw(job: BackfillJob, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastDraw < (this.interactive ? 200 : 5000)) return;
    this.lastDraw = now;
    const share = job.total > 0 ? Math.min(1, job.done / job.total) : 1;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? job.done / seconds : 0;
    const left = rate > 0 ? duration((job.total - job.done) / rate) : '…';
    const filled = Math.round(share * 30);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${job.done.toLocaleString('en-US')}/${job.total.toLocaleString('en-US')} customers · ${Math.round(rate).toLocaleString('en-US')}/s · ${left} left · +${job.entered} −${job.exited}`;
    process.stderr.write(this.interactive ? `\r${line.padEnd(110)}` : `${line}\n`);
  }

  finish(job: BackfillJob): void {
    this.draw(job, true);
    if (this.interactive) process.stderr.write('\n');
    process.stdout.write(`  backfill ${job.jobId} ${job.status}: ${job.done.toLocaleString('en-US')} customers, entered ${job.entered}, exited ${job.exited}\n`);
  }
}
