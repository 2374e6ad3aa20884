package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"callsvc/api/record"
)

// Page sizes of every list (the call log, messages, the directory lists).
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// pageLimit checks a requested page size; 0 asks for the default.
func pageLimit(n int) (int, error) {
	switch {
	case n == 0:
		return defaultLimit, nil
	case n < 0 || n > maxLimit:
		return 0, invalid("limit: must be 1..%d", maxLimit)
	}
	return n, nil
}

// listArgs checks a ListQuery: the page size and the id to start after.
func listArgs(q record.ListQuery) (limit int, after string, err error) {
	if limit, err = pageLimit(q.Limit); err != nil {
		return 0, "", err
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
