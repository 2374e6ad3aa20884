-- The call record, the customer file, the staff directory and API tokens.
-- Text columns are NOT NULL DEFAULT '' so that "absent" has one spelling,
-- matching the Go zero values in package record.

-- +goose Up

CREATE TABLE calls (
	id              text PRIMARY KEY,
	node            text NOT NULL DEFAULT '',
	channel_id      text NOT NULL DEFAULT '',
	caller_number   text NOT NULL DEFAULT '',
	caller_name     text NOT NULL DEFAULT '',
	-- No foreign key: a call must be recorded even when the customer row it
	-- names is missing or later removed (S4: the record is never lost).
	customer_id     text NOT NULL DEFAULT '',
	dialed_number   text NOT NULL DEFAULT '',
	language        text NOT NULL DEFAULT '',
	intent          text NOT NULL DEFAULT '',
	owner_staff_id  text NOT NULL DEFAULT '',
	staff_ids       text[] NOT NULL DEFAULT '{}',
	outcome         text NOT NULL DEFAULT '',
	ended_by        text NOT NULL DEFAULT '',
	arrived_at      timestamptz NOT NULL,
	answered_at     timestamptz,
	ended_at        timestamptz,
	rings_to_answer integer NOT NULL DEFAULT 0 CHECK (rings_to_answer >= 0),
	answer_ms       integer NOT NULL DEFAULT 0 CHECK (answer_ms >= 0),
	talk_seconds    integer NOT NULL DEFAULT 0 CHECK (talk_seconds >= 0),
	transferred     boolean NOT NULL DEFAULT false,
	message_taken   boolean NOT NULL DEFAULT false,
	notes           text NOT NULL DEFAULT '',
	updated_at      timestamptz NOT NULL
);

-- The call log lists newest first with keyset paging on (arrived_at, id);
-- every filter index ends with the same two columns so a filtered page is an
-- ordered index range scan, not a sort.
CREATE INDEX calls_arrived_idx ON calls (arrived_at DESC, id DESC);
CREATE INDEX calls_caller_idx ON calls (caller_number, arrived_at DESC, id DESC);
CREATE INDEX calls_intent_idx ON calls (intent, arrived_at DESC, id DESC);
CREATE INDEX calls_outcome_idx ON calls (outcome, arrived_at DESC, id DESC);
CREATE INDEX calls_staff_idx ON calls USING gin (staff_ids);
CREATE INDEX calls_customer_idx ON calls (customer_id, arrived_at DESC) WHERE customer_id <> '';

-- Timeline events. No foreign key to calls: the engine may write a call's
-- first events before its first summary upsert lands, and they must not be
-- lost. The event id is chosen by the engine, so a replay is a no-op.
CREATE TABLE call_events (
	id       text PRIMARY KEY,
	call_id  text NOT NULL,
	at       timestamptz NOT NULL,
	type     text NOT NULL CHECK (type <> ''),
	staff_id text NOT NULL DEFAULT '',
	data     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object')
);
CREATE INDEX call_events_call_idx ON call_events (call_id, at, id);

-- Free-text search in notes: a trigram index serves ILIKE '%words%'. pg_trgm
-- ships with PostgreSQL's contrib modules; where it cannot be installed the
-- search still works, by scanning.
-- +goose StatementBegin
DO $$
BEGIN
	CREATE EXTENSION IF NOT EXISTS pg_trgm;
	CREATE INDEX calls_notes_trgm_idx ON calls USING gin (notes gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
	RAISE NOTICE 'pg_trgm unavailable (%), notes search will scan', SQLERRM;
END
$$;
-- +goose StatementEnd

CREATE TABLE customers (
	id         text PRIMARY KEY,
	name       text NOT NULL DEFAULT '',
	surname    text NOT NULL DEFAULT '',
	title      text NOT NULL DEFAULT '',
	company    text NOT NULL DEFAULT '',
	vip        boolean NOT NULL DEFAULT false,
	birthday   date,
	language   text NOT NULL DEFAULT '',
	notes      text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per number: a number belongs to at most one customer, so a caller
-- is recognised unambiguously (S3).
CREATE TABLE customer_numbers (
	number      text PRIMARY KEY CHECK (number <> ''),
	customer_id text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	position    integer NOT NULL
);
CREATE INDEX customer_numbers_customer_idx ON customer_numbers (customer_id, position);

CREATE TABLE staff (
	id         text PRIMARY KEY,
	name       text NOT NULL CHECK (name <> ''),
	extension  text NOT NULL CHECK (extension <> ''),
	endpoint   text NOT NULL CHECK (endpoint <> ''),
	department text NOT NULL DEFAULT '',
	skills     text[] NOT NULL DEFAULT '{}',
	role       text NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'supervisor')),
	active     boolean NOT NULL DEFAULT true,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT staff_extension_key UNIQUE (extension),
	CONSTRAINT staff_endpoint_key UNIQUE (endpoint)
);

CREATE TABLE api_tokens (
	id         text PRIMARY KEY,
	name       text NOT NULL DEFAULT '',
	role       text NOT NULL CHECK (role IN ('service', 'agent', 'supervisor')),
	staff_id   text REFERENCES staff (id),
	hash       bytea NOT NULL CHECK (length(hash) >= 16),
	created_at timestamptz NOT NULL DEFAULT now(),
	revoked_at timestamptz,
	CONSTRAINT api_tokens_hash_key UNIQUE (hash)
);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE staff;
DROP TABLE customer_numbers;
DROP TABLE customers;
DROP TABLE call_events;
DROP TABLE calls;
