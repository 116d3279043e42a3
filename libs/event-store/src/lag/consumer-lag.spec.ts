import { lagPerConsumer } from './consumer-lag';

describe('lagPerConsumer', () => {
  it('gives a partitioned consumer one entry, that of its partition furthest behind in events and in seconds', () => {
    expect(
      lagPerConsumer([
        { name: 'projection:customer_360#0/2', events: 4, seconds: 9 },
        { name: 'projection:customer_360#1/2', events: 7, seconds: 2 },
        { name: 'analytics:weekly', events: 1, seconds: 1 },
      ]),
    ).toEqual([
      { name: 'projection:customer_360', events: 7, seconds: 9 },
      { name: 'analytics:weekly', events: 1, seconds: 1 },
    ]);
  });

  it('leaves an unpartitioned consumer as it is', () => {
    expect(lagPerConsumer([{ name: 'saga:relay', events: 0, seconds: 0 }])).toEqual([{ name: 'saga:relay', events: 0, seconds: 0 }]);
  });
});
