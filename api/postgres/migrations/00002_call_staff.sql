-- Who took part in which call, one row per (staff member, call), kept in
-- step with calls.staff_ids by UpsertCalls. An agent's "my calls" page is
-- then a backward range scan of this table's primary key, 50 index entries
-- for 50 rows, where the GIN index on staff_ids needed a sort of all the
-- person's calls or a scan of everyone's calls filtered by person.

-- +goose Up
CREATE TABLE call_staff (
	staff_id   text NOT NULL,
	arrived_at timestamptz NOT NULL,
	call_id    text NOT NULL,
	PRIMARY KEY (staff_id, arrived_at, call_id)
);
CREATE INDEX call_staff_call_idx ON call_staff (call_id);

INSERT INTO call_staff (staff_id, arrived_at, call_id)
SELECT DISTINCT s, c.arrived_at, c.id FROM calls c CROSS JOIN LATERAL unnest(c.staff_ids) AS s;

DROP INDEX calls_staff_idx;

-- +goose Down
CREATE INDEX calls_staff_idx ON calls USING gin (staff_ids);
DROP TABLE call_staff;
