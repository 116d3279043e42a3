import { metricTotal } from './metrics';

describe('metricTotal', () => {
  it('adds every label set of one counter, and nothing of counters sharing its prefix', () => {
    const text = [
      '# HELP journey_append_events_total Events appended',
      '# TYPE journey_append_events_total counter',
      'journey_append_events_total{source="http"} 120',
      'journey_append_events_total{source="kafka"} 30',
      'journey_append_events_total_extra 999',
      'journey_append_calls_total 7',
    ].join('\n');
    expect(metricTotal(text, 'journey_append_events_total')).toBe(150);
    expect(metricTotal(text, 'journey_missing')).toBe(0);
  });
});
