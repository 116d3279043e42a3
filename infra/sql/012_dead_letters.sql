-- Messages of the Kafka ingest topic that hold no acceptable event: where each was and why it
-- was refused. The message itself is republished to the dead-letter topic; this record names
-- it (topic, partition, offset) without keeping its payload, which may hold personal data.
-- Recording the same message again (a redelivery after a crash) changes nothing.
CREATE TABLE journey.dead_letters (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recorded_at     timestamptz NOT NULL,
  topic           text NOT NULL,
  kafka_partition integer NOT NULL,
  kafka_offset    bigint NOT NULL,
  message_key     text,
  value_bytes     integer NOT NULL,
  event_id        text,
  event_type      text,
  errors          jsonb NOT NULL,
  UNIQUE (topic, kafka_partition, kafka_offset)
);

CREATE INDEX dead_letters_recorded_idx ON journey.dead_letters (recorded_at);
