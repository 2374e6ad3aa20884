-- Presence (S16–S19) and messages taken for people who were away.

-- +goose Up

-- One row per person who has ever set a presence; someone without a row is
-- available with no working hours. "where" is a keyword, hence place.
CREATE TABLE presence (
	staff_id      text PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
	status        text NOT NULL CHECK (status IN ('available', 'meeting', 'visitor', 'out', 'event', 'off_duty')),
	place         text NOT NULL DEFAULT '',
	back_at       timestamptz,
	note          text NOT NULL DEFAULT '',
	working_hours jsonb CHECK (working_hours IS NULL OR jsonb_typeof(working_hours) = 'object'),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	updated_by    text NOT NULL DEFAULT ''
);

-- No foreign keys to calls or staff: a message is kept even when the call
-- record has not landed yet or the person later leaves the directory.
CREATE TABLE messages (
	id              text PRIMARY KEY,
	call_id         text NOT NULL,
	for_staff_id    text NOT NULL CHECK (for_staff_id <> ''),
	caller_number   text NOT NULL DEFAULT '',
	caller_name     text NOT NULL DEFAULT '',
	callback_number text NOT NULL DEFAULT '',
	recording_name  text NOT NULL DEFAULT '',
	duration_ms     integer NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
	partial         boolean NOT NULL DEFAULT false,
	status          text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'handled')),
	created_at      timestamptz NOT NULL,
	handled_at      timestamptz,
	handled_by      text NOT NULL DEFAULT '',
	audio_bytes     integer NOT NULL DEFAULT 0
);
-- Pages are newest first by (created_at, id), for everyone or per person.
CREATE INDEX messages_created_idx ON messages (created_at DESC, id DESC);
CREATE INDEX messages_staff_idx ON messages (for_staff_id, created_at DESC, id DESC);

-- The audio in its own table, so listing messages never reads it.
CREATE TABLE message_audio (
	message_id text PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
	wav        bytea NOT NULL CHECK (length(wav) > 44),
	sha256     bytea NOT NULL
);

-- +goose Down
DROP TABLE message_audio;
DROP TABLE messages;
DROP TABLE presence;
