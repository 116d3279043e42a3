/** A wait that wake() ends early: the poll loops of subscriptions and of the relay sleep on it. */
export class Pause {
  private wakeUp: (() => void) | undefined;

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        finish();
      };
    });
  }

  /**
   * Waits `ms` in all, however often wake() ends a wait, unless `ended()` turns true (asked at
   * each wake): a subscription lets events gather so, through the commits that wake it.
   */
  async hold(ms: number, ended: () => boolean): Promise<void> {
    const until = Date.now() + ms;
    while (!ended() && Date.now() < until) await this.wait(until - Date.now());
  }

  /** Ends the wait under way, if any. */
  wake(): void {
    this.wakeUp?.();
  }
}
