-- The 360's event_count counts the customer's own events: the events the engine derives (stage,
-- tier and membership changes, actions, model scores) are no longer counted, so that folding
-- one back, when the row already holds what it records, leaves the row unwritten. Rows counted
-- before lose the derived events of their customer's stream (derived events are only ever
-- appended to customers' streams).
UPDATE journey.customer_360 AS c
SET event_count = c.event_count - d.n
FROM (
  SELECT substr(stream_id, length('customer-') + 1) AS customer_id, count(*)::int AS n
  FROM journey.events
  WHERE stream_id LIKE 'customer-%'
    AND type IN ('LifecycleStageChanged', 'ValueTierChanged', 'ActionScheduled', 'ActionDispatched', 'ActionFailed',
                 'ActionSuppressed', 'ConversionAttributed', 'ModelFitted', 'ChurnRiskChanged', 'SegmentEntered', 'SegmentExited')
  GROUP BY stream_id
) AS d
WHERE c.customer_id = d.customer_id;
