package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

const staffColumns = `id, name, extension, endpoint, department, skills, role, active, spelling, created_at, updated_at`

func scanStaff(row pgx.Row) (record.Staff, error) {
	var s record.Staff
	err := row.Scan(&s.ID, &s.Name, &s.Extension, &s.Endpoint, &s.Department, &s.Skills,
		&s.Role, &s.Active, &s.Spelling, &s.CreatedAt, &s.UpdatedAt)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	if len(s.Skills) == 0 {
		s.Skills = nil
	}
	return s, err
}

// prepareStaff validates a directory entry (record.CheckStaff). An empty Endpoint defaults to
// PJSIP/<extension>, an empty Role to agent; Spelling is stored normalised.
func prepareStaff(s record.Staff) (record.Staff, error) {
	s.Name, s.Extension, s.Endpoint = strings.TrimSpace(s.Name), strings.TrimSpace(s.Extension), strings.TrimSpace(s.Endpoint)
	switch {
	case s.Name == "":
		return s, invalid("name: required")
	case s.Extension == "":
		return s, invalid("extension: required")
	}
	if s.Endpoint == "" {
		s.Endpoint = "PJSIP/" + s.Extension
	}
	if s.Role == "" {
		s.Role = record.RoleAgent
	}
	if s.Role != record.RoleAgent && s.Role != record.RoleSupervisor {
		return s, invalid("role: must be agent or supervisor")
	}
	if s.Skills == nil {
		s.Skills = []string{}
	}
	sp, err := record.NormalizeSpelling(s.Spelling)
	if err != nil {
		return s, err
	}
	s.Spelling = sp
	// The same rules as the API and the dialplan renderer: no path into
	// the directory stores what the renderer would refuse.
	if err := record.CheckStaff(s); err != nil {
		return s, err
	}
	return s, nil
}

// CreateStaff adds a person to the directory; an empty ID gets a new ULID.
// Extensions and endpoints are unique: a taken one is EConflict.
func (s *Store) CreateStaff(ctx context.Context, st record.Staff) (record.Staff, error) {
	st, err := prepareStaff(st)
	if err != nil {
		return record.Staff{}, fmt.Errorf("create staff: %w", err)
	}
	if st.ID == "" {
		st.ID = ulid.Make().String()
	}
	out, err := scanStaff(s.pool.QueryRow(ctx, `INSERT INTO staff (id, name, extension, endpoint, department, skills, role, active, spelling)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+staffColumns,
		st.ID, st.Name, st.Extension, st.Endpoint, st.Department, st.Skills, st.Role, st.Active, st.Spelling))
	if err != nil {
		return record.Staff{}, fmt.Errorf("create staff: %w", translate(err))
	}
	return out, nil
}

// UpdateStaff replaces a person's directory entry (CreatedAt is kept).
// Deactivating someone revokes their API tokens in the same statement, so
// no path that takes a person out of the directory leaves their tokens
// working.
func (s *Store) UpdateStaff(ctx context.Context, st record.Staff) (record.Staff, error) {
	st, err := prepareStaff(st)
	if err != nil {
		return record.Staff{}, fmt.Errorf("update staff: %w", err)
	}
	out, err := scanStaff(s.pool.QueryRow(ctx, `WITH updated AS (
			UPDATE staff SET name = $2, extension = $3, endpoint = $4,
			department = $5, skills = $6, role = $7, active = $8, spelling = $9, updated_at = now()
			WHERE id = $1 RETURNING `+staffColumns+`
		), revoked AS (
			UPDATE api_tokens SET revoked_at = now()
			WHERE staff_id = $1 AND revoked_at IS NULL AND NOT $8 AND EXISTS (SELECT 1 FROM updated)
		)
		SELECT `+staffColumns+` FROM updated`,
		st.ID, st.Name, st.Extension, st.Endpoint, st.Department, st.Skills, st.Role, st.Active, st.Spelling))
	if err != nil {
		return record.Staff{}, fmt.Errorf("update staff: %w", rowError("staff member", err))
	}
	return out, nil
}

// GetStaff returns one person by id.
func (s *Store) GetStaff(ctx context.Context, id string) (record.Staff, error) {
	out, err := scanStaff(s.pool.QueryRow(ctx, `SELECT `+staffColumns+` FROM staff WHERE id = $1`, id))
	if err != nil {
		return record.Staff{}, fmt.Errorf("get staff: %w", rowError("staff member", err))
	}
	return out, nil
}

// ListStaff pages through the directory by id. The returned cursor is empty
// on the last page.
func (s *Store) ListStaff(ctx context.Context, q record.ListQuery) ([]record.Staff, string, error) {
	return listByID(ctx, s, "list staff", q, `SELECT `+staffColumns+` FROM staff WHERE id > $1 ORDER BY id LIMIT $2`,
		scanStaff, func(st record.Staff) string { return st.ID })
}
