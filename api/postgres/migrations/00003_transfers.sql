-- Transfers (S11, S15). A person is held for one call at a time by a row
-- in staff_reservations, claimed under a row lock (FOR UPDATE SKIP LOCKED)
-- so engines sharing this database never ring the same person for two
-- calls; the lease lets a crashed engine's hold lapse. agent_events is the
-- screen-pop stream: its bigserial id is the SSE id, so any API instance
-- can serve a person's stream and a client can resume where it left off.

-- +goose Up
CREATE TABLE staff_reservations (
	staff_id    text PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
	call_id     text,
	held_until  timestamptz NOT NULL DEFAULT '-infinity',
	idle_since  timestamptz NOT NULL DEFAULT '-infinity',
	CHECK ((call_id IS NULL) OR (call_id <> ''))
);

CREATE TABLE agent_events (
	id       bigserial PRIMARY KEY,
	staff_id text NOT NULL,
	call_id  text NOT NULL,
	type     text NOT NULL CHECK (type <> ''),
	at       timestamptz NOT NULL,
	context  jsonb NOT NULL CHECK (jsonb_typeof(context) = 'object')
);
CREATE INDEX agent_events_staff_idx ON agent_events (staff_id, id);

-- +goose Down
DROP TABLE agent_events;
DROP TABLE staff_reservations;
