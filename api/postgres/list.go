package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"callsvc/api/record"
)

// listArgs checks a ListQuery: the page size and the id to start after.
func listArgs(q record.ListQuery) (limit int, after string, err error) {
	limit = q.Limit
	switch {
	case limit == 0:
		limit = defaultLimit
	case limit < 0 || limit > maxLimit:
		return 0, "", invalid("limit: must be 1..%d", maxLimit)
	}
	if q.Cursor != "" {
		if after, err = decodeIDCursor(q.Cursor); err != nil {
			return 0, "", err
		}
	}
	return limit, after, nil
}

// listByID reads one page of a directory list (customers, staff, presence)
// in id order: sql takes the id to start after ($1) and a row limit ($2),
// one more than the page so the extra row tells whether a next page exists.
// The returned cursor, empty on the last page, names the page's last id.
func listByID[T any](ctx context.Context, s *Store, step string, q record.ListQuery, sql string,
	scan func(pgx.Row) (T, error), id func(T) string) ([]T, string, error) {
	limit, after, err := listArgs(q)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", step, err)
	}
	rows, err := s.pool.Query(ctx, sql, after, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", step, translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", step, translate(err))
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeIDCursor(id(out[limit-1]))
	}
	return out, next, nil
}
