import { Pause } from './pause';

describe('Pause.hold', () => {
  it('waits its time in all through wakes, and ends at the first wake after ended() turns true', async () => {
    const pause = new Pause();
    const started = Date.now();
    let ended = false;
    let held = false;
    const holding = pause.hold(60_000, () => ended).then(() => (held = true));
    // Wakes (commits) do not end it while ended() is false.
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      pause.wake();
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(held).toBe(false);
    ended = true;
    pause.wake();
    await holding;
    expect(held).toBe(true);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('ends when its time is up with no wake', async () => {
    const pause = new Pause();
    const started = Date.now();
    await pause.hold(30, () => false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
  });
});
