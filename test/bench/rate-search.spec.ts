import { nextRate, sustainedRate, type RateStep } from './rate-search';

const held = (offered: number, accepted = offered): RateStep => ({ offered, accepted, held: true });
const lost = (offered: number, accepted = offered): RateStep => ({ offered, accepted, held: false });

describe('the search for the highest rate the pipeline keeps up with', () => {
  it('starts at the given rate and doubles while the lag holds', () => {
    expect(nextRate([], 1000)).toBe(1000);
    expect(nextRate([held(1000)], 1000)).toBe(2000);
    expect(nextRate([held(1000), held(2000)], 1000)).toBe(4000);
  });

  it('bisects between the highest rate that held and the lowest that did not', () => {
    expect(nextRate([held(1000), held(2000), lost(4000)], 1000)).toBe(3000);
    expect(nextRate([held(1000), held(2000), lost(4000), lost(3000)], 1000)).toBe(2500);
    expect(nextRate([held(1000), held(2000), lost(4000), held(3000)], 1000)).toBe(3500);
  });

  it('halves when even the first rate lost the lag', () => {
    expect(nextRate([lost(1000)], 1000)).toBe(500);
    expect(nextRate([lost(1000), lost(500)], 1000)).toBe(250);
  });

  it('does not go past a rate ingest could not accept in full', () => {
    expect(nextRate([held(1000), held(2000, 1500)], 1000)).toBe(1500);
  });

  it('reports the highest accepted rate among the steps that held', () => {
    expect(sustainedRate([held(1000), held(2000, 1800), lost(4000, 3900)])).toBe(1800);
    expect(sustainedRate([lost(1000)])).toBe(0);
  });
});
