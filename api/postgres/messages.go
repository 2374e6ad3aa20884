package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"callsvc/api/record"
)

// Audio is kept in PostgreSQL (bytea, table message_audio) rather than in a
// directory: several instances share one database, so every instance can
// serve every message without shared storage; the audio is written, backed
// up and replicated with the message row it belongs to; and a message is
// at most a few MiB (a minute of 8 kHz 16-bit mono is under 1 MiB).

const messageColumns = `id, call_id, for_staff_id, caller_number, caller_name, callback_number,
	recording_name, duration_ms, partial, status, created_at, handled_at, handled_by, audio_bytes`

func scanMessage(row pgx.Row) (record.Message, error) {
	var m record.Message
	err := row.Scan(&m.ID, &m.CallID, &m.ForStaffID, &m.CallerNumber, &m.CallerName, &m.CallbackNumber,
		&m.RecordingName, &m.DurationMS, &m.Partial, &m.Status, &m.CreatedAt, &m.HandledAt, &m.HandledBy, &m.AudioBytes)
	m.CreatedAt = m.CreatedAt.UTC()
	if m.HandledAt != nil {
		t := m.HandledAt.UTC()
		m.HandledAt = &t
	}
	return m, err
}

// CreateMessage stores a new message and reports whether it was new. The
// engine picks the id, so a replay (a spooled write sent again) is a no-op
// that returns the stored message unchanged: the first write wins. Status
// and handling fields are the store's: a message starts new.
func (s *Store) CreateMessage(ctx context.Context, m record.Message) (record.Message, bool, error) {
	switch {
	case m.ID == "":
		return record.Message{}, false, fmt.Errorf("create message: %w", invalid("id: required"))
	case m.ForStaffID == "":
		return record.Message{}, false, fmt.Errorf("create message: %w", invalid("for_staff_id: required"))
	case m.CreatedAt.IsZero():
		return record.Message{}, false, fmt.Errorf("create message: %w", invalid("created_at: required"))
	}
	out, err := scanMessage(s.pool.QueryRow(ctx, `INSERT INTO messages (id, call_id, for_staff_id, caller_number,
			caller_name, callback_number, recording_name, duration_ms, partial, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO NOTHING RETURNING `+messageColumns,
		m.ID, m.CallID, m.ForStaffID, s.phone(m.CallerNumber), m.CallerName, s.phone(m.CallbackNumber),
		m.RecordingName, m.DurationMS, m.Partial, m.CreatedAt.UTC()))
	if errors.Is(err, pgx.ErrNoRows) {
		old, err := s.GetMessage(ctx, m.ID)
		if err != nil {
			return record.Message{}, false, fmt.Errorf("create message: replay: %w", err)
		}
		return old, false, nil
	}
	if err != nil {
		return record.Message{}, false, fmt.Errorf("create message: %w", translate(err))
	}
	return out, true, nil
}

// GetMessage returns one message.
func (s *Store) GetMessage(ctx context.Context, id string) (record.Message, error) {
	m, err := scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id))
	if err != nil {
		return record.Message{}, fmt.Errorf("get message: %w", rowError("message", err))
	}
	return m, nil
}

// ListMessages pages through messages newest first, by (created_at, id).
func (s *Store) ListMessages(ctx context.Context, f record.MessageFilter) (record.MessagePage, error) {
	limit, err := pageLimit(f.Limit)
	if err != nil {
		return record.MessagePage{}, fmt.Errorf("list messages: %w", err)
	}
	// Without a cursor, start after the newest possible key.
	afterAt, afterID := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), "\U0010FFFF"
	if f.Cursor != "" {
		at, id, err := decodeCallCursor(f.Cursor)
		if err != nil {
			return record.MessagePage{}, fmt.Errorf("list messages: %w", invalid("cursor: not a cursor from this message list"))
		}
		afterAt, afterID = at, id
	}
	rows, err := s.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE ($1 = '' OR for_staff_id = $1) AND ($2 = '' OR status = $2) AND (created_at, id) < ($3, $4)
		ORDER BY created_at DESC, id DESC LIMIT $5`,
		f.ForStaffID, f.Status, afterAt, afterID, limit+1)
	if err != nil {
		return record.MessagePage{}, fmt.Errorf("list messages: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (record.Message, error) { return scanMessage(r) })
	if err != nil {
		return record.MessagePage{}, fmt.Errorf("list messages: %w", translate(err))
	}
	page := record.MessagePage{Messages: out}
	if len(out) > limit {
		page.Messages = out[:limit]
		last := page.Messages[limit-1]
		page.NextCursor = encodeCallCursor(last.CreatedAt, last.ID)
	}
	return page, nil
}

// HandleMessage marks a message handled by by. Marking it again is a no-op
// that keeps the first handled_at and handled_by.
func (s *Store) HandleMessage(ctx context.Context, id, by string) (record.Message, error) {
	m, err := scanMessage(s.pool.QueryRow(ctx, `UPDATE messages SET status = 'handled',
			handled_at = coalesce(handled_at, now()), handled_by = CASE WHEN status = 'handled' THEN handled_by ELSE $2 END
		WHERE id = $1 RETURNING `+messageColumns, id, by))
	if err != nil {
		return record.Message{}, fmt.Errorf("handle message: %w", rowError("message", err))
	}
	return m, nil
}

// PutMessageAudio stores a message's audio. The audio of a message never
// changes: the same bytes again are a no-op (a replay), different bytes are
// EConflict. An unknown message is ENotFound.
func (s *Store) PutMessageAudio(ctx context.Context, id string, wav []byte) error {
	sum := sha256.Sum256(wav)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT true FROM messages WHERE id = $1 FOR UPDATE`, id).Scan(&exists); err != nil {
			return rowError("message", err)
		}
		var old []byte
		err := tx.QueryRow(ctx, `SELECT sha256 FROM message_audio WHERE message_id = $1`, id).Scan(&old)
		switch {
		case err == nil && bytes.Equal(old, sum[:]):
			return nil
		case err == nil:
			return record.Errorf(record.EConflict, "the message already has different audio")
		case !errors.Is(err, pgx.ErrNoRows):
			return translate(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO message_audio (message_id, wav, sha256) VALUES ($1, $2, $3)`, id, wav, sum[:]); err != nil {
			return translate(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE messages SET audio_bytes = $2 WHERE id = $1`, id, len(wav)); err != nil {
			return translate(err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put message audio: %w", translate(err))
	}
	return nil
}

// MessageAudio returns a message's audio, ENotFound if it has none (yet).
func (s *Store) MessageAudio(ctx context.Context, id string) ([]byte, error) {
	var wav []byte
	err := s.pool.QueryRow(ctx, `SELECT wav FROM message_audio WHERE message_id = $1`, id).Scan(&wav)
	if err != nil {
		return nil, fmt.Errorf("message audio: %w", rowError("message audio", err))
	}
	return wav, nil
}
