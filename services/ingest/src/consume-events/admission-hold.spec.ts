import { holdWhileNotAdmitted, type HoldControls } from './admission-hold';

function controls(overrides: Partial<HoldControls> = {}): HoldControls & { beats: number } {
  const fake = {
    beats: 0,
    heartbeat: async () => {
      fake.beats++;
    },
    isRunning: () => true,
    isStale: () => false,
    ...overrides,
  };
  return fake;
}

describe('holding a Kafka partition while ingest is not admitted', () => {
  it('goes on at once when admitted', async () => {
    const c = controls();
    expect(await holdWhileNotAdmitted(c, { admitted: () => true, wait: async () => undefined, stopped: () => false })).toBe(true);
    expect(c.beats).toBe(0);
  });

  it('waits with heartbeats until admitted, announcing the hold once', async () => {
    const c = controls();
    let checks = 0;
    const onHold = jest.fn();
    const admitted = () => ++checks > 3;
    expect(await holdWhileNotAdmitted(c, { admitted, wait: async () => undefined, stopped: () => false, onHold })).toBe(true);
    expect(c.beats).toBe(3);
    expect(onHold).toHaveBeenCalledTimes(1);
  });

  it('gives the batch up when the consumer stops or the partition moves away', async () => {
    let stopped = false;
    const wait = async () => {
      stopped = true;
    };
    expect(await holdWhileNotAdmitted(controls(), { admitted: () => false, wait, stopped: () => stopped })).toBe(false);
    expect(await holdWhileNotAdmitted(controls({ isStale: () => true }), { admitted: () => false, wait: async () => undefined, stopped: () => false })).toBe(false);
    expect(await holdWhileNotAdmitted(controls({ isRunning: () => false }), { admitted: () => false, wait: async () => undefined, stopped: () => false })).toBe(false);
  });
});
