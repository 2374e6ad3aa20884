package postgres

import (
	"context"
	"fmt"
	"time"
)

// Reserve holds staffID for callID until lease has passed (routing's
// Reserver): true when it was free, its hold had lapsed, or callID already
// held it (a renewal). The person's row is claimed under FOR UPDATE SKIP
// LOCKED, so of two engines racing for one person exactly one wins and the
// other moves on at once instead of waiting.
func (s *Store) Reserve(ctx context.Context, staffID, callID string, lease time.Duration) (bool, error) {
	if staffID == "" || callID == "" || lease <= 0 {
		return false, fmt.Errorf("reserve: %w", invalid("staff id, call id and a positive lease are required"))
	}
	// The row exists from the first reservation on; staff without one are
	// given one here (a no-op when it is there).
	if _, err := s.pool.Exec(ctx, `INSERT INTO staff_reservations (staff_id) VALUES ($1) ON CONFLICT DO NOTHING`, staffID); err != nil {
		return false, fmt.Errorf("reserve: %w", translate(err))
	}
	tag, err := s.pool.Exec(ctx, `UPDATE staff_reservations SET call_id = $2, held_until = now() + $3 * interval '1 microsecond'
		WHERE staff_id = (SELECT staff_id FROM staff_reservations
			WHERE staff_id = $1 AND (call_id IS NULL OR call_id = $2 OR held_until < now())
			FOR UPDATE SKIP LOCKED)`,
		staffID, callID, lease.Microseconds())
	if err != nil {
		return false, fmt.Errorf("reserve: %w", translate(err))
	}
	return tag.RowsAffected() == 1, nil
}

// Release lets staffID go if callID still holds them; their idle time
// starts now. Releasing a hold that lapsed or moved on is a no-op.
func (s *Store) Release(ctx context.Context, staffID, callID string) error {
	_, err := s.pool.Exec(ctx, `UPDATE staff_reservations SET call_id = NULL, held_until = '-infinity', idle_since = now()
		WHERE staff_id = $1 AND call_id = $2`, staffID, callID)
	if err != nil {
		return fmt.Errorf("release: %w", translate(err))
	}
	return nil
}

// Reserved lists who holds whom now (staff id -> call id), for supervisors
// and tests.
func (s *Store) Reserved(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT staff_id, call_id FROM staff_reservations WHERE call_id IS NOT NULL AND held_until >= now()`)
	if err != nil {
		return nil, fmt.Errorf("reserved: %w", translate(err))
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var st, call string
		if err := rows.Scan(&st, &call); err != nil {
			return nil, fmt.Errorf("reserved: %w", translate(err))
		}
		out[st] = call
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reserved: %w", translate(err))
	}
	return out, nil
}
