import fc from 'fast-check';
import { dateInputValue, newCondition, problemsAt, toDefinition, toForm, unplacedProblems, withField, withOperator, type FieldInput, type SegmentForm } from './segment-form';
import { CHURN_BANDS, EVENT_TYPES, HISTORY_KEYS, LIFECYCLE_STAGES, RFM_SEGMENTS, VALUE_TIERS } from './segment-vocabulary';

const context = { baseCurrency: 'EUR' };
const roundTrip = (definition: unknown, at = context) => {
  const reading = toForm(definition, at);
  if (!reading.ok) throw new Error(`${reading.field} ${reading.reason}`);
  return toDefinition(reading.form, at);
};

/** Definitions a marketer writes, in the shape the form writes them. */
const REPRESENTATIVE = [
  { id: 'shoe-lovers', name: 'Bought shoes twice in 90 days', conditions: { all: [{ event: 'PurchaseCompleted', where: { category: 'shoes' }, atLeast: 2, within: '90d' }, { field: 'consent.email:marketing', op: 'eq', value: true }] } },
  { id: 'lapsed-high-value', name: 'High value, no purchase in 30 days', description: 'For the win-back journey', conditions: { all: [{ field: 'tier', op: 'eq', value: 'high' }, { event: 'PurchaseCompleted', atMost: 0, within: '30d' }] } },
  { id: 'big-spenders', name: 'Over €1,234.50 net', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 123450 } },
  { id: 'yen', name: 'Over ¥5,000', conditions: { field: 'netRevenue.JPY', op: 'gt', value: 5000 } },
  { id: 'stages', name: 'Buying again', conditions: { any: [{ field: 'stage', op: 'in', value: ['repeat', 'loyal'] }, { not: { field: 'rfmSegment', op: 'nin', value: ['Lost', "Can't Lose Them"] } }] } },
  { id: 'quiet', name: 'Quiet', conditions: { all: [{ field: 'lastActivityAt', op: 'notWithinLast', value: '12w' }, { field: 'registeredAt', op: 'lt', value: '2025-01-01T00:00:00Z' }, { field: 'city', op: 'missing' }] } },
  { id: 'at-risk-valuable', name: 'Likely to churn, worth keeping', conditions: { all: [{ field: 'churnRisk', op: 'gte', value: 0.7 }, { field: 'clv', op: 'gte', value: 50000 }, { field: 'churnBand', op: 'ne', value: 'low' }, { field: 'score.propensity', op: 'gt', value: 0.25 }] } },
  { id: 'vip-not-members', name: 'Not yet in VIP', conditions: { all: [{ segment: 'vip', member: false }, { not: { not: { segment: 'newsletter', member: true } } }] } },
  { id: 'browsers', name: 'Browse, buy little', conditions: { all: [{ event: 'ProductViewed', where: { category: 'bags' }, atLeast: 3, atMost: 20, within: '2w' }, { field: 'orders', op: 'lte', value: 1 }, { field: 'topCategories', op: 'contains', value: 'bags' }] } },
  { id: 'empty-group', name: 'Draft', conditions: { any: [] } },
];

describe('the segment builder form', () => {
  it.each(REPRESENTATIVE.map((definition) => [definition.id, definition]))('reads %s into the form and writes back the same definition', (_id, definition) => {
    expect(roundTrip(definition)).toEqual(definition);
  });

  it('writes money typed in major units as minor units of the currency, with its exponent', () => {
    const reading = toForm(REPRESENTATIVE[2], context);
    expect(reading.ok && reading.form.conditions).toMatchObject({ kind: 'field', field: 'netRevenue', fieldKey: 'EUR', value: '1234.50' });
    const form = (reading as { form: SegmentForm }).form;
    const typed = (value: string, fieldKey: string) => toDefinition({ ...form, conditions: { ...(form.conditions as FieldInput), fieldKey, value } }, context).conditions;
    expect(typed('99.9', 'EUR')).toEqual({ field: 'netRevenue.EUR', op: 'gte', value: 9990 });
    expect(typed('500', 'JPY')).toEqual({ field: 'netRevenue.JPY', op: 'gte', value: 500 });
    expect(typed('1.5', 'KWD')).toEqual({ field: 'netRevenue.KWD', op: 'gte', value: 1500 });
  });

  it('shows the base currency money of the predictions only when the base currency is known', () => {
    expect(toForm(REPRESENTATIVE[6], { baseCurrency: null })).toMatchObject({ ok: false, field: 'conditions.all[1].value' });
    expect(roundTrip(REPRESENTATIVE[6], { baseCurrency: 'JPY' })).toEqual(REPRESENTATIVE[6]);
  });

  it('sends an amount typed in minor units, as the input says when the base currency is unknown, as those minor units', () => {
    const clv: SegmentForm = { id: 'x', name: 'x', description: '', conditions: { kind: 'field', key: 'k', field: 'clv', fieldKey: '', op: 'gte', value: '5000', values: [], duration: { amount: '30', unit: 'd' } } };
    expect(toDefinition(clv, { baseCurrency: null }).conditions).toEqual({ field: 'clv', op: 'gte', value: 5000 });
    expect(toDefinition(clv, { baseCurrency: 'EUR' }).conditions).toEqual({ field: 'clv', op: 'gte', value: 500000 });
    expect(toDefinition({ ...clv, conditions: { ...(clv.conditions as FieldInput), value: '12.5' } }, { baseCurrency: null }).conditions).toEqual({ field: 'clv', op: 'gte', value: '12.5' });
  });

  it('shows a date condition on the UTC day of its instant, and leaves an instant within a day to the JSON view', () => {
    const before = (value: string) => ({ id: 'a', name: 'a', conditions: { field: 'registeredAt', op: 'lt', value } });
    // Midnight in Karachi is 19:00 UTC the day before: no day the date input could show.
    expect(toForm(before('2025-03-01T00:00:00+05:00'), context)).toMatchObject({ ok: false, field: 'conditions.value' });
    expect(toForm(before('2025-03-01T12:00:00Z'), context)).toMatchObject({ ok: false, field: 'conditions.value' });
    // 19:00 in New York on 28 February is midnight UTC on 1 March: shown as that day, written back as it was.
    const reading = toForm(before('2025-02-28T19:00:00-05:00'), context);
    expect(reading.ok && dateInputValue((reading.form.conditions as FieldInput).value)).toBe('2025-03-01');
    expect(roundTrip(before('2025-02-28T19:00:00-05:00'))).toEqual(before('2025-02-28T19:00:00-05:00'));
  });

  it('leaves empty inputs out and sends what is no value as typed, for the API to name the field', () => {
    const form: SegmentForm = { id: 'x', name: 'x', description: '', conditions: { kind: 'event', key: 'k', event: 'PurchaseCompleted', whereKey: '', whereValue: '', atLeast: '', atMost: '', within: { amount: '90', unit: 'd' } } };
    expect(toDefinition(form, context)).toEqual({ id: 'x', name: 'x', conditions: { event: 'PurchaseCompleted', within: '90d' } });
    const field: SegmentForm = { ...form, conditions: { kind: 'field', key: 'k', field: 'orders', fieldKey: '', op: 'gte', value: '', values: [], duration: { amount: '30', unit: 'd' } } };
    expect(toDefinition(field, context).conditions).toEqual({ field: 'orders', op: 'gte' });
  });

  it('reads a membership without `member` as a member, and writes it out', () => {
    expect(roundTrip({ id: 'a', name: 'a', conditions: { segment: 'vip' } })).toEqual({ id: 'a', name: 'a', conditions: { segment: 'vip', member: true } });
  });

  it('names what it cannot show, for the definition to stay in the JSON view', () => {
    expect(toForm({ id: 'a', name: 'a', conditions: { field: 'orders', op: 'gte', value: '5' } }, context)).toEqual({ ok: false, field: 'conditions.value', reason: 'is not a value the form shows for orders' });
    expect(toForm({ id: 'a', name: 'a', conditions: { all: [{ field: 'stage', op: 'gt', value: 'loyal' }] } }, context)).toMatchObject({ ok: false, field: 'conditions.all[0].op' });
    expect(toForm({ id: 'a', name: 'a', conditions: { event: 'PurchaseCompleted', within: '90d', extra: 1 } }, context)).toMatchObject({ ok: false, field: 'conditions.extra' });
    expect(toForm({ id: 'a', name: 'a', conditions: { field: 'netRevenue.EUR', op: 'gte', value: 12.5 } }, context)).toMatchObject({ ok: false, field: 'conditions.value' });
    expect(toForm('nope', context)).toMatchObject({ ok: false, field: 'body' });
  });

  it('gives any definition of the shapes the form writes back unchanged, and its form back unchanged', () => {
    fc.assert(
      fc.property(definitionArbitrary(), fc.constantFrom('EUR', 'JPY', 'KWD'), (definition, baseCurrency) => {
        const at = { baseCurrency };
        const written = roundTrip(definition, at);
        expect(written).toEqual(definition);
        const form = (toForm(written, at) as { form: SegmentForm }).form;
        expect(withoutKeys(toForm(toDefinition(form, at), at))).toEqual(withoutKeys({ ok: true, form }));
      }),
      { numRuns: 300 },
    );
  });

  it('starts each kind of condition as a definition the API can take', () => {
    const conditions = (['all', 'any', 'not', 'field', 'event', 'segment'] as const).map((kind) => newCondition(kind, ['vip']));
    const definition = toDefinition({ id: 'new', name: 'New', description: '', conditions: { kind: 'all', key: 'k', children: conditions } }, context);
    expect(definition.conditions).toEqual({
      all: [
        { all: [{ field: 'stage', op: 'eq', value: 'first_time' }] },
        { any: [{ field: 'stage', op: 'eq', value: 'first_time' }] },
        { not: { event: 'PurchaseCompleted', atLeast: 1, within: '90d' } },
        { field: 'stage', op: 'eq', value: 'first_time' },
        { event: 'PurchaseCompleted', atLeast: 1, within: '90d' },
        { segment: 'vip', member: true },
      ],
    });
  });

  it('starts the operator and value afresh when the field changes kind, and keeps the value across operators', () => {
    const stage = newCondition('field') as FieldInput;
    expect(withField(stage, 'orders', context)).toMatchObject({ field: 'orders', op: 'gte', value: '' });
    expect(withField(stage, 'netRevenue', context)).toMatchObject({ field: 'netRevenue', fieldKey: 'EUR', op: 'gte' });
    expect(withField(stage, 'tier', context)).toMatchObject({ field: 'tier', op: 'eq', value: 'high' });
    expect(withField(stage, 'consent', context)).toMatchObject({ field: 'consent', fieldKey: 'email:marketing', op: 'eq', value: 'true' });
    const inList = withOperator(stage, 'in');
    expect(inList).toMatchObject({ op: 'in', values: ['first_time'] });
    expect(withOperator(inList, 'ne')).toMatchObject({ op: 'ne', value: 'first_time' });
  });

  it('shows each problem of the API beside the input it names, and the rest together', () => {
    const form = (toForm(REPRESENTATIVE[0], context) as { form: SegmentForm }).form;
    const problems = [
      { field: 'name', reason: 'must be a text of 1 to 200 characters' },
      { field: 'conditions.all[0].within', reason: 'must be whole days from 1d to 365d' },
      { field: 'conditions.all[0].where.category', reason: 'must be a text of 1 to 200 characters' },
      { field: 'conditions.all', reason: 'must be a non-empty list of conditions' },
      { field: 'conditions', reason: 'names segments that do not exist: vip' },
      { field: 'body', reason: 'must be a segment object' },
    ];
    expect(problemsAt(problems, 'conditions.all[0]', true).map((p) => p.field)).toEqual(['conditions.all[0].within', 'conditions.all[0].where.category']);
    expect(problemsAt(problems, 'conditions', false).map((p) => p.field)).toEqual(['conditions.all', 'conditions']);
    expect(problemsAt(problems, 'name', true).map((p) => p.field)).toEqual(['name']);
    expect(unplacedProblems(problems, form).map((p) => p.field)).toEqual(['body']);
  });
});

function withoutKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'key').map(([key, inner]) => [key, withoutKeys(inner)]));
  return value;
}

/** Definitions in the form's canonical shape: every condition kind, nested groups, every field kind. */
function definitionArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  const word = fc.stringMatching(/^[a-z][a-z-]{0,11}$/);
  const text = fc.string({ minLength: 1, maxLength: 20 });
  const duration = fc.tuple(fc.integer({ min: 1, max: 365 }), fc.constantFrom('d', 'w', 'h')).map(([n, unit]) => `${n}${unit}`);
  const day = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => `${date.toISOString().slice(0, 10)}T00:00:00Z`);
  const enumField = fc.constantFrom(['stage', LIFECYCLE_STAGES], ['tier', VALUE_TIERS], ['rfmSegment', RFM_SEGMENTS], ['churnBand', CHURN_BANDS] as const).chain(([field, values]) =>
    fc.oneof(
      fc.record({ field: fc.constant(field), op: fc.constantFrom('eq', 'ne'), value: fc.constantFrom(...values) }),
      fc.record({ field: fc.constant(field), op: fc.constantFrom('in', 'nin'), value: fc.uniqueArray(fc.constantFrom(...values), { minLength: 1 }) }),
    ),
  );
  const numberField = fc.record({
    field: fc.oneof(fc.constantFrom('orders', 'openTickets', 'nps', 'pAlive', 'churnRisk', 'expectedPurchases90d'), word.map((model) => `score.${model}`)),
    op: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'),
    value: fc.oneof(fc.integer({ min: -1000, max: 100000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0))),
  });
  const moneyField = fc.record({ field: fc.constantFrom('netRevenue.EUR', 'netRevenue.JPY', 'netRevenue.KWD', 'clv', 'expectedAov'), op: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'), value: fc.integer({ min: -1e12, max: 1e12 }) });
  const textField = fc.oneof(
    fc.record({ field: fc.constantFrom('country', 'city'), op: fc.constantFrom('eq', 'ne'), value: text }),
    fc.record({ field: fc.constantFrom('country', 'city'), op: fc.constantFrom('in', 'nin'), value: fc.array(text, { minLength: 1, maxLength: 4 }) }),
    fc.record({ field: fc.constant('topCategories'), op: fc.constant('contains'), value: text }),
  );
  const dateField = fc.oneof(
    fc.record({ field: fc.constantFrom('lastPurchaseAt', 'registeredAt'), op: fc.constantFrom('withinLast', 'notWithinLast'), value: duration }),
    fc.record({ field: fc.constantFrom('lastActivityAt', 'firstPurchaseAt'), op: fc.constantFrom('gt', 'gte', 'lt', 'lte'), value: day }),
  );
  const bareField = fc.record({ field: fc.constantFrom('country', 'stage', 'orders', 'lastPurchaseAt'), op: fc.constantFrom('exists', 'missing') });
  const consent = fc.record({ field: fc.constantFrom('consent.email:marketing', 'consent.sms:service'), op: fc.constantFrom('eq', 'ne'), value: fc.boolean() });
  const event = fc.constantFrom(...EVENT_TYPES).chain((type) =>
    fc.record(
      {
        event: fc.constant(type),
        where: HISTORY_KEYS[type] ? fc.constantFrom(...HISTORY_KEYS[type]!).chain((key) => text.map((value) => ({ [key]: value }))) : fc.constant(undefined),
        atLeast: fc.nat(50),
        atMost: fc.nat(50),
        within: fc.tuple(fc.integer({ min: 1, max: 52 }), fc.constantFrom('d', 'w')).map(([n, unit]) => `${n}${unit}`),
      },
      { requiredKeys: ['event', 'within'] },
    ).map((condition) => Object.fromEntries(Object.entries(condition).filter(([, value]) => value !== undefined))),
  );
  const membership = fc.record({ segment: word, member: fc.boolean() });
  const leaf = fc.oneof(enumField, numberField, moneyField, textField, dateField, bareField, consent, event, membership);
  const { condition } = fc.letrec<{ condition: unknown }>((tie) => ({
    condition: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ all: fc.array(tie('condition'), { maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('condition'), { maxLength: 3 }) }),
      fc.record({ not: tie('condition') }),
    ),
  }));
  return fc
    .record({ id: word, name: text, description: text, conditions: condition }, { requiredKeys: ['id', 'name', 'conditions'] })
    .map((definition) => definition as Record<string, unknown>);
}
