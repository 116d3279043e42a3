import type { ConsumerLag } from '@journey/event-store';
import { admissionConfigured, admissionVerdict, OPEN, type AdmissionLimits, type AdmissionVerdict } from './admission';

/** Seconds a refused client is told to wait (Retry-After). */
export const ADMISSION_RETRY_AFTER_SECONDS = 5;

/**
 * Whether ingest is admitted, from the consumers' lag sampled every `intervalMs` in the
 * background, so that a request only reads a field. Always open without limits, and open when
 * the lag cannot be read (an unreachable database answers for itself).
 */
export class AdmissionGate {
  private current: AdmissionVerdict = OPEN;
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(
    private readonly lags: () => Promise<readonly ConsumerLag[]>,
    private readonly limits: AdmissionLimits,
    private readonly intervalMs = 1000,
  ) {}

  get verdict(): AdmissionVerdict {
    return this.current;
  }

  start(): void {
    if (this.timer || !admissionConfigured(this.limits)) return;
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
    void this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the lag now and updates the verdict. */
  async sample(): Promise<AdmissionVerdict> {
    if (this.sampling) return this.current;
    this.sampling = true;
    try {
      this.current = admissionVerdict(await this.lags(), this.limits);
    } catch {
      this.current = OPEN;
    } finally {
      this.sampling = false;
    }
    return this.current;
  }
}
