import { admissionConfigured, admissionVerdict } from './admission';
import { AdmissionGate } from './admission-gate';

const lag = (name: string, events: number, seconds: number) => ({ name, events, seconds });

describe('admission verdict', () => {
  it('is open while every consumer is within the limits, at the limit included', () => {
    const verdict = admissionVerdict([lag('projection:customer_360', 100, 5), lag('relay:kafka', 0, 0)], { maxLagEvents: 100, maxLagSeconds: 5 });
    expect(verdict).toEqual({ open: true });
  });

  it('closes on the first consumer past the events limit and names it', () => {
    const verdict = admissionVerdict([lag('projection:customer_360', 10, 1), lag('relay:kafka', 101, 1)], { maxLagEvents: 100 });
    expect(verdict).toEqual({ open: false, consumer: 'relay:kafka', events: 101, seconds: 1, reason: 'relay:kafka is 101 events behind (limit 100)' });
  });

  it('closes on a consumer past the seconds limit even when few events behind', () => {
    const verdict = admissionVerdict([lag('relay:kafka', 3, 42.4)], { maxLagEvents: 100, maxLagSeconds: 30 });
    expect(verdict).toMatchObject({ open: false, consumer: 'relay:kafka', reason: 'relay:kafka is 42 s behind (limit 30 s)' });
  });

  it('ignores a limit that is not set', () => {
    expect(admissionVerdict([lag('relay:kafka', 1_000_000, 3600)], {})).toEqual({ open: true });
    expect(admissionConfigured({})).toBe(false);
    expect(admissionConfigured({ maxLagSeconds: 1 })).toBe(true);
  });
});

describe('admission gate', () => {
  it('follows the sampled lag, closing and opening again', async () => {
    let behind = 0;
    const gate = new AdmissionGate(async () => [lag('relay:kafka', behind, 0)], { maxLagEvents: 10 });
    expect((await gate.sample()).open).toBe(true);
    behind = 11;
    expect((await gate.sample()).open).toBe(false);
    expect(gate.verdict.open).toBe(false);
    behind = 10;
    expect((await gate.sample()).open).toBe(true);
  });

  it('stays open when the lag cannot be read', async () => {
    const gate = new AdmissionGate(() => Promise.reject(new Error('connection refused')), { maxLagEvents: 1 });
    expect(await gate.sample()).toEqual({ open: true });
  });

  it('does not sample at all without limits', () => {
    const lags = jest.fn(async () => [lag('relay:kafka', 5, 0)]);
    const gate = new AdmissionGate(lags, {});
    gate.start();
    gate.stop();
    expect(lags).not.toHaveBeenCalled();
    expect(gate.verdict.open).toBe(true);
  });
});
