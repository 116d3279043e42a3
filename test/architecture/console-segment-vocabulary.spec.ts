import { CHURN_BANDS, EVENT_CATALOGUE, isDerivedType, LIFECYCLE_STAGES, RFM_SEGMENTS, VALUE_TIERS, type EventType } from '@journey/contracts';
import { FIELD_OPERATORS, HISTORY_KEYS, KEYED_FIELDS, MAX_WINDOW_DAYS, parseSegment, SEGMENT_FIELDS } from '@journey/domain';
import * as console from '../../services/console/src/segments/segment-vocabulary';
import { newCondition, toDefinition, type ConditionKind } from '../../services/console/src/segments/segment-form';

// The console bundles no server code: its copy of what a segment may say must be the domain's.
describe("the console's segment vocabulary", () => {
  it('names the fields, operators, event types and history keys the domain parses', () => {
    expect(console.FIELDS.filter((field) => !field.key).map((field) => field.name).sort()).toEqual([...SEGMENT_FIELDS].sort());
    expect(console.FIELDS.filter((field) => field.key).map((field) => field.name).sort()).toEqual([...KEYED_FIELDS].sort());
    expect(console.FIELD_OPERATORS).toEqual(FIELD_OPERATORS);
    expect([...console.EVENT_TYPES].sort()).toEqual((Object.keys(EVENT_CATALOGUE) as EventType[]).filter((type) => !isDerivedType(type)).sort());
    expect(console.HISTORY_KEYS).toEqual(HISTORY_KEYS);
    expect(console.MAX_WINDOW_DAYS).toBe(MAX_WINDOW_DAYS);
  });

  it('offers the enum values the domain allows', () => {
    expect(console.LIFECYCLE_STAGES).toEqual(LIFECYCLE_STAGES);
    expect(console.VALUE_TIERS).toEqual(VALUE_TIERS);
    expect(console.RFM_SEGMENTS).toEqual(RFM_SEGMENTS);
    expect(console.CHURN_BANDS).toEqual(CHURN_BANDS);
  });

  it('starts every kind of condition as a definition the domain accepts', () => {
    for (const kind of ['all', 'any', 'not', 'field', 'event', 'segment'] as ConditionKind[]) {
      const definition = toDefinition({ id: 'fresh', name: 'Fresh', description: '', conditions: newCondition(kind, ['vip']) }, { baseCurrency: 'EUR' });
      expect(parseSegment(definition)).toMatchObject({ ok: true });
    }
  });
});
