/** What a Kafka batch handler can do while it holds its partition. */
export interface HoldControls {
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface HoldOptions {
  /** Whether ingest is admitted now (the lag gate). */
  readonly admitted: () => boolean;
  /** Sleeps up to `ms`; woken early when the consumer stops. */
  readonly wait: (ms: number) => Promise<void>;
  readonly stopped: () => boolean;
  /** Called once when a hold begins. */
  readonly onHold?: () => void;
  readonly stepMs?: number;
}

/**
 * Holds a partition's messages, heartbeating so that the group keeps the partition here, while
 * ingest is not admitted: nothing is appended and nothing dead-lettered meanwhile. Resolves true
 * once admitted, false when the batch must be given up (stopping, rebalanced away).
 */
export async function holdWhileNotAdmitted(controls: HoldControls, options: HoldOptions): Promise<boolean> {
  for (let held = false; !options.admitted(); held = true) {
    if (options.stopped() || !controls.isRunning() || controls.isStale()) return false;
    if (!held) options.onHold?.();
    await options.wait(options.stepMs ?? 1000);
    await controls.heartbeat();
  }
  return true;
}
