package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"callsvc/api/record"
)

// presenceSelect reads presence for staff rows; a person who never set one
// is available since they joined the directory.
const presenceSelect = `SELECT s.id, coalesce(p.status, 'available'), coalesce(p.place, ''), p.back_at,
	coalesce(p.note, ''), p.working_hours, coalesce(p.updated_at, s.created_at), coalesce(p.updated_by, '')
	FROM staff s LEFT JOIN presence p ON p.staff_id = s.id`

func scanPresence(row pgx.Row) (record.Presence, error) {
	var p record.Presence
	var hours []byte
	if err := row.Scan(&p.StaffID, &p.Status, &p.Where, &p.BackAt, &p.Note, &hours, &p.UpdatedAt, &p.UpdatedBy); err != nil {
		return p, err
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	if p.BackAt != nil {
		t := p.BackAt.UTC()
		p.BackAt = &t
	}
	if len(hours) > 0 {
		var wh record.WorkingHours
		if err := json.Unmarshal(hours, &wh); err != nil {
			return p, fmt.Errorf("decode working hours: %w", err)
		}
		p.WorkingHours = &wh
	}
	return p, nil
}

// GetPresence returns a person's presence (available if never set).
func (s *Store) GetPresence(ctx context.Context, staffID string) (record.Presence, error) {
	p, err := scanPresence(s.pool.QueryRow(ctx, presenceSelect+` WHERE s.id = $1`, staffID))
	if err != nil {
		return record.Presence{}, fmt.Errorf("get presence: %w", rowError("staff member", err))
	}
	return p, nil
}

// SetPresence replaces a person's presence; UpdatedAt is the server's
// clock. Nil WorkingHours keeps the hours already stored; hours with no
// ranges clear them. An unknown person is ENotFound.
func (s *Store) SetPresence(ctx context.Context, p record.Presence) (record.Presence, error) {
	if !record.IsPresenceStatus(p.Status) {
		return record.Presence{}, fmt.Errorf("set presence: %w", invalid("status: %q is not a presence status", p.Status))
	}
	var hours []byte
	clearHours := false
	if p.WorkingHours != nil {
		if len(p.WorkingHours.Weekly) == 0 {
			clearHours = true
		} else {
			if _, err := p.WorkingHours.Validate(); err != nil {
				return record.Presence{}, fmt.Errorf("set presence: %w", err)
			}
			b, err := json.Marshal(p.WorkingHours)
			if err != nil {
				return record.Presence{}, fmt.Errorf("set presence: encode hours: %w", err)
			}
			hours = b
		}
	}
	var backAt *time.Time
	if p.BackAt != nil {
		t := p.BackAt.UTC()
		backAt = &t
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO presence (staff_id, status, place, back_at, note, working_hours, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, now(), $7)
		ON CONFLICT (staff_id) DO UPDATE SET status = EXCLUDED.status, place = EXCLUDED.place,
			back_at = EXCLUDED.back_at, note = EXCLUDED.note,
			working_hours = CASE WHEN $8 THEN NULL ELSE coalesce(EXCLUDED.working_hours, presence.working_hours) END,
			updated_at = now(), updated_by = EXCLUDED.updated_by`,
		p.StaffID, p.Status, p.Where, backAt, p.Note, hours, p.UpdatedBy, clearHours)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		return record.Presence{}, fmt.Errorf("set presence: %w", notFound("staff member", err))
	}
	if err != nil {
		return record.Presence{}, fmt.Errorf("set presence: %w", translate(err))
	}
	return s.GetPresence(ctx, p.StaffID)
}

// ListPresence pages through everyone in the directory by staff id, with
// their presence. The returned cursor is empty on the last page.
func (s *Store) ListPresence(ctx context.Context, q record.ListQuery) ([]record.Presence, string, error) {
	return listByID(ctx, s, "list presence", q, presenceSelect+` WHERE s.id > $1 ORDER BY s.id LIMIT $2`,
		scanPresence, func(p record.Presence) string { return p.StaffID })
}
