package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

const tokenColumns = `id, name, role, coalesce(staff_id, ''), hash, created_at, revoked_at`

func scanToken(row pgx.Row) (record.Token, error) {
	var t record.Token
	err := row.Scan(&t.ID, &t.Name, &t.Role, &t.StaffID, &t.Hash, &t.CreatedAt, &t.RevokedAt)
	t.CreatedAt = t.CreatedAt.UTC()
	if t.RevokedAt != nil {
		r := t.RevokedAt.UTC()
		t.RevokedAt = &r
	}
	return t, err
}

// CreateToken stores a token by the hash of its secret (the caller hashes:
// sha256 suffices for high-entropy random secrets). An empty ID gets a new
// ULID. An agent token names its staff member, who must exist.
func (s *Store) CreateToken(ctx context.Context, t record.Token) (record.Token, error) {
	switch {
	case t.Role != record.RoleService && t.Role != record.RoleAgent && t.Role != record.RoleSupervisor:
		return record.Token{}, fmt.Errorf("create token: %w", invalid("role: must be service, agent or supervisor"))
	case t.Role == record.RoleAgent && t.StaffID == "":
		return record.Token{}, fmt.Errorf("create token: %w", invalid("staff_id: required for an agent token"))
	case len(t.Hash) < 16:
		return record.Token{}, fmt.Errorf("create token: %w", invalid("hash: too short"))
	}
	if t.ID == "" {
		t.ID = ulid.Make().String()
	}
	var staffID any
	if t.StaffID != "" {
		staffID = t.StaffID
	}
	out, err := scanToken(s.pool.QueryRow(ctx, `INSERT INTO api_tokens (id, name, role, staff_id, hash, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+tokenColumns,
		t.ID, t.Name, t.Role, staffID, t.Hash, t.RevokedAt))
	if err != nil {
		return record.Token{}, fmt.Errorf("create token: %w", translate(err))
	}
	return out, nil
}

// TokenByHash finds a live token by the hash of its secret. A revoked or
// unknown token is ENotFound.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (record.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens
		WHERE hash = $1 AND revoked_at IS NULL`, hash))
	if err != nil {
		return record.Token{}, fmt.Errorf("token by hash: %w", rowError("token", err))
	}
	return t, nil
}

// RevokeToken marks a token revoked and returns it; TokenByHash no longer
// returns it. Revoking twice keeps the first time.
func (s *Store) RevokeToken(ctx context.Context, id string) (record.Token, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
		WHERE id = $1 RETURNING `+tokenColumns, id))
	if err != nil {
		return record.Token{}, fmt.Errorf("revoke token: %w", rowError("token", err))
	}
	return t, nil
}

// ListTokens pages through every token, revoked ones included, by id
// (oldest first: ids are ULIDs). Hashes are read but never shown.
func (s *Store) ListTokens(ctx context.Context, q record.ListQuery) ([]record.Token, string, error) {
	return listByID(ctx, s, "list tokens", q, `SELECT `+tokenColumns+` FROM api_tokens WHERE id > $1 ORDER BY id LIMIT $2`,
		scanToken, func(t record.Token) string { return t.ID })
}
