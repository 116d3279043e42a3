import { parseSegment } from './segment-definition';

const fields = (input: unknown) => {
  const parsed = parseSegment(input);
  return parsed.ok ? [] : parsed.errors.map((e) => e.field);
};

describe('segment definitions', () => {
  it('normalises windows to days and durations to milliseconds', () => {
    const parsed = parseSegment({
      id: 'engaged',
      name: 'Engaged',
      conditions: { any: [{ event: 'MessageClicked', atLeast: 1, within: '2w' }, { field: 'lastPurchaseAt', op: 'withinLast', value: '30d' }] },
    });
    expect(parsed).toEqual({
      ok: true,
      segment: { id: 'engaged', name: 'Engaged', conditions: { any: [{ event: 'MessageClicked', atLeast: 1, withinDays: 14 }, { field: 'lastPurchaseAt', op: 'withinLast', durationMs: 30 * 86_400_000 }] } },
    });
  });

  it('names every wrong field with its path', () => {
    expect(
      fields({
        id: 'bad id',
        name: '',
        extra: 1,
        conditions: {
          all: [
            { field: 'shoeSize', op: 'eq', value: 1 },
            { field: 'stage', op: 'in', value: ['loyal', 'royal'] },
            { event: 'PurchaseCompleted', where: { sku: 'x' }, within: '400d' },
            { event: 'Nope', atLeast: 1, within: '1d' },
            { field: 'orders', op: 'gte', value: 'two' },
            { field: 'tier', op: 'withinLast', value: '3d' },
            { segment: 'x', member: 'yes' },
            { neither: true },
          ],
        },
      }),
    ).toEqual([
      'extra',
      'id',
      'name',
      'conditions.all[0].field',
      'conditions.all[1].value',
      'conditions.all[2].where.sku',
      'conditions.all[2].within',
      'conditions.all[2].atLeast',
      'conditions.all[3].event',
      'conditions.all[4].value',
      'conditions.all[5].op',
      'conditions.all[6].member',
      'conditions.all[7]',
    ]);
  });

  it('refuses a history of an event the engine derives, which the 360 does not count', () => {
    const result = parseSegment({ id: 'acted', name: 'Acted', conditions: { event: 'ActionDispatched', atLeast: 1, within: '7d' } });
    expect(result.ok ? [] : result.errors).toEqual([{ field: 'conditions.event', reason: expect.stringContaining('ActionDispatched') }]);
  });

  it('refuses a withinLast longer than a hundred years, past the dates an instant can hold', () => {
    const within = (value: string) => fields({ id: 'recent', name: 'Recent', conditions: { field: 'lastPurchaseAt', op: 'withinLast', value } });
    expect(within('36500d')).toEqual([]);
    expect(within('36501d')).toEqual(['conditions.value']);
    expect(within('100000000d')).toEqual(['conditions.value']);
  });

  it('refuses a segment naming itself', () => {
    expect(fields({ id: 'me', name: 'Me', conditions: { not: { segment: 'me' } } })).toEqual(['conditions']);
  });
});
