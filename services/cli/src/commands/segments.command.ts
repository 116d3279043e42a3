import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { BackfillJob } from '@journey/projections';
import {
  CreateSegmentCommand,
  ExportSegmentMembersQuery,
  GetSegmentQuery,
  ListSegmentsQuery,
  RunBackfillCommand,
  UpdateSegmentCommand,
  type SegmentSaved,
} from '@journey/query';
import { withEngine } from '../cli-context';
import { duration } from '../seed/progress';

/** `segments list|create|show|members|backfill`: saved audiences, their members and their backfills. */
export function registerSegmentsCommands(program: Command): void {
  const segments = program.command('segments').description('saved segments (audiences kept current live)');

  segments
    .command('list')
    .description('every segment at its current version, with its size now')
    .action(async () => {
      const { segments: list } = await withEngine(({ queries }) => queries.execute(new ListSegmentsQuery(false)), { personalData: false });
      if (list.length === 0) process.stdout.write('no segments yet\n');
      for (const s of list) process.stdout.write(`${s.id}  v${s.version}  ${s.size.toLocaleString('en-US')} members  ${s.name}\n`);
    });

  segments
    .command('create')
    .description('save the segments of a JSON file (one or a list; a new version where one changed) and backfill each over every customer')
    .requiredOption('--file <file>', 'the JSON definition(s)')
    .option('--no-backfill', 'save only; the engine runs the backfill')
    .action(async (options: { file: string; backfill: boolean }) => {
      const parsed = JSON.parse(readFileSync(options.file, 'utf8')) as unknown;
      const definitions = Array.isArray(parsed) ? parsed : [parsed];
      await withEngine(async ({ commands, queries }) => {
        for (const definition of definitions) {
          const id = String((definition as { id?: unknown }).id);
          const exists = await queries.execute(new GetSegmentQuery(id)).then((s) => !s.archived, () => false);
          const saved: SegmentSaved = await commands.execute(exists ? new UpdateSegmentCommand(id, definition) : new CreateSegmentCommand(definition));
          process.stdout.write(`${saved.id}: ${saved.changed ? `saved as version ${saved.version}` : 'unchanged'}\n`);
          if (!saved.job) continue;
          if (!options.backfill) {
            process.stdout.write(`  backfill ${saved.job.jobId} recorded; the engine runs it\n`);
            continue;
          }
          const bar = new BackfillBar();
          for (const job of await commands.execute(new RunBackfillCommand(saved.job.jobId, (progress) => bar.draw(progress)))) bar.finish(job);
        }
      });
    });

  segments
    .command('show')
    .description('a segment: its definition, size and latest backfills')
    .argument('<id>')
    .action(async (id: string) => {
      const s = await withEngine(({ queries }) => queries.execute(new GetSegmentQuery(id)), { personalData: false });
      process.stdout.write(`${s.id} v${s.version}${s.archived ? ' (archived)' : ''}: ${s.name}\nmembers: ${s.size.toLocaleString('en-US')}\n`);
      process.stdout.write(`${JSON.stringify(s.definition, null, 2)}\n`);
      for (const job of s.jobs) process.stdout.write(`backfill ${job.jobId}: ${job.status}, ${job.done}/${job.total}, entered ${job.entered}, exited ${job.exited}\n`);
    });

  segments
    .command('members')
    .description("a segment's members as CSV (customer id, since, version, backfill, stage, tier, country)")
    .argument('<id>')
    .action(async (id: string) => {
      // A reader that stops early (head) ends the export, not with a stack trace.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit(0) : undefined));
      await withEngine(
        async ({ queries }) => {
          for await (const line of await queries.execute(new ExportSegmentMembersQuery(id))) process.stdout.write(line);
        },
        { personalData: false },
      );
    });

  segments
    .command('backfill')
    .description('run the backfills left running (all, or one job) to their end here, with a progress bar')
    .argument('[jobId]')
    .action(async (jobId?: string) => {
      const bar = new BackfillBar();
      const done = await withEngine(({ commands }) => commands.execute(new RunBackfillCommand(jobId, (progress) => bar.draw(progress))));
      if (done.length === 0) process.stdout.write('no backfill running\n');
      for (const job of done) bar.finish(job);
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
