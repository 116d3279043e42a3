import { randomUUID } from 'node:crypto';
import { CUSTOMER_STREAM_PREFIX } from '@journey/contracts';
import { DEFAULT_LIFECYCLE } from '@journey/domain';
import { customerAsOf, joinedCustomersIn, rebuildCustomerProjection } from '@journey/projections';
import { customerEvent, ProjectionHarness, purchase } from '../support/projection-harness';
import { backends, createTestDatabase, type TestDatabase } from '../support/test-database';

const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + days * DAY).toISOString();

describe.each(backends())('at risk from the churn model on %s', (backend) => {
  let t: TestDatabase;
  let h: ProjectionHarness;
  const lifecycle = { ...DEFAULT_LIFECYCLE, atRiskFrom: 'model' as const };

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    h = new ProjectionHarness(t.db, { lifecycle });
    h.start();
  });
  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it('a high band puts a buyer at risk with a LifecycleStageChanged naming the model; as-of and a rebuild agree', async () => {
    const customerId = `c-${randomUUID().slice(0, 8)}`;
    const stream = CUSTOMER_STREAM_PREFIX + customerId;
    h.now = new Date(at(90));
    await h.publish(purchase(customerId, at(0)), purchase(customerId, at(10)));
    await h.settle();
    // Days alone no longer mark at risk: only churning is due, 180 days after the last purchase.
    expect(await h.customer(customerId)).toMatchObject({ lifecycle: { stage: 'repeat' }, nextReviewAt: at(190) });

    await h.publish(
      customerEvent('ChurnRiskChanged', { customerId }, at(90), { from: 'medium', to: 'high', pAlive: 0.07, fitId: randomUUID() }),
    );
    await h.settle();
    expect((await h.customer(customerId))!.lifecycle).toMatchObject({ stage: 'at_risk', since: Date.parse(at(90)) });
    const changes = (await h.eventsOfType(stream, 'LifecycleStageChanged')).map((e) => e.data);
    expect(changes.at(-1)).toEqual({ from: 'repeat', to: 'at_risk', reason: 'churn model: risk band high (P(alive) 0.07)' });

    expect((await customerAsOf(h.store, joinedCustomersIn(t.db), customerId, new Date(at(89)), lifecycle, 'occurred'))!.stage).toBe('repeat');
    expect((await customerAsOf(h.store, joinedCustomersIn(t.db), customerId, new Date(at(95)), lifecycle, 'occurred'))!.stage).toBe('at_risk');
    const before = await h.customer(customerId);
    await rebuildCustomerProjection(t.db, h.store, { lifecycle, batchSize: 1000 });
    expect((await h.customer(customerId))!.lifecycle).toEqual(before!.lifecycle);

    await h.publish(purchase(customerId, at(100)));
    await h.settle();
    expect((await h.customer(customerId))!.lifecycle.stage).toBe('reactivated');
  });
});
