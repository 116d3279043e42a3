/** One progress line on stderr: done, rate and time left; redrawn on a terminal, logged otherwise. */
export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private readonly interactive = Boolean(process.stderr.isTTY);

  constructor(
    private readonly unit: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, events: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastDraw < (this.interactive ? 250 : 5000)) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? events / seconds : 0;
    const left = done > 0 ? (seconds / done) * (this.total - done) : Number.NaN;
    const line =
      `${events.toLocaleString('en-US')} events · ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} ${this.unit}` +
      ` · ${Math.round(rate).toLocaleString('en-US')} events/s · ${Number.isFinite(left) ? duration(left) : '…'} left`;
    this.out.write(this.interactive ? `\r${line.padEnd(90)}` : `${line}\n`);
  }

  finish(done: number, events: number): void {
    this.update(done, events, true);
    if (this.interactive) this.out.write('\n');
  }
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
