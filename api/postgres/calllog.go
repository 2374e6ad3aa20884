package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"callsvc/api/record"
)

// Page sizes of the call log.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// callQuery builds a call-log query. Each filter maps to a condition one of
// the calls_* indexes serves, and the ORDER BY (arrived_at DESC, id DESC)
// matches them all, so PostgreSQL can stop after a page. A staff filter
// drives the query from call_staff instead, whose primary key
// (staff_id, arrived_at, call_id) gives that person's calls in order.
type callQuery struct {
	from   string
	at, id string // the ordering columns, from the driving table
	where  []string
	args   []any
}

func (q *callQuery) add(cond string, arg any) {
	q.args = append(q.args, arg)
	q.where = append(q.where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(q.args))))
}

func (q *callQuery) sql(tail string) string {
	var b strings.Builder
	b.WriteString("SELECT " + callColumns + " FROM " + q.from)
	if len(q.where) > 0 {
		b.WriteString(" WHERE " + strings.Join(q.where, " AND "))
	}
	b.WriteString(" ORDER BY " + q.at + " DESC, " + q.id + " DESC" + tail)
	return b.String()
}

func (s *Store) callFilter(f record.CallFilter) (*callQuery, error) {
	if f.WithinRings < 0 {
		return nil, invalid("within_rings: must not be negative")
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, invalid("from must be before to")
	}
	q := &callQuery{from: "calls c", at: "c.arrived_at", id: "c.id"}
	if f.StaffID != "" {
		q.from = "call_staff cs JOIN calls c ON c.id = cs.call_id"
		q.at, q.id = "cs.arrived_at", "cs.call_id"
		q.add("cs.staff_id = ?", f.StaffID)
	}
	if !f.From.IsZero() {
		q.add(q.at+" >= ?", f.From)
	}
	if !f.To.IsZero() {
		q.add(q.at+" < ?", f.To)
	}
	if f.CallerNumber != "" {
		q.add("c.caller_number = ?", s.phone(f.CallerNumber))
	}
	if f.Intent != "" {
		q.add("c.intent = ?", f.Intent)
	}
	if f.Outcome != "" {
		q.add("c.outcome = ?", f.Outcome)
	}
	if f.WithinRings > 0 {
		q.add("c.answered_at IS NOT NULL AND c.rings_to_answer <= ?", int32(f.WithinRings))
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		q.add(`c.notes ILIKE ? ESCAPE '\'`, "%"+escapeLike(t)+"%")
	}
	return q, nil
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListCalls returns one page of the call log, newest first. The cursor is the
// NextCursor of the previous page; rows arriving at the same instant are
// ordered by id, so no row is lost or repeated across pages.
func (s *Store) ListCalls(ctx context.Context, f record.CallFilter) (record.CallPage, error) {
	sql, args, limit, err := s.listCallsQuery(f)
	if err != nil {
		return record.CallPage{}, fmt.Errorf("list calls: %w", err)
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return record.CallPage{}, fmt.Errorf("list calls: %w", translate(err))
	}
	calls, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (record.Call, error) { return scanCall(r) })
	if err != nil {
		return record.CallPage{}, fmt.Errorf("list calls: %w", translate(err))
	}
	page := record.CallPage{Calls: calls}
	if len(calls) > limit {
		page.Calls = calls[:limit]
		last := page.Calls[limit-1]
		page.NextCursor = encodeCallCursor(last.ArrivedAt, last.ID)
	}
	if page.Calls == nil {
		page.Calls = []record.Call{}
	}
	return page, nil
}

// ListCallsQuery returns the SQL and arguments ListCalls runs for f (it asks
// for one row more than the page, to know whether another page follows).
// Benchmarks use it to compare the HTTP API with the bare query, and
// EXPLAIN to check the plan.
func (s *Store) ListCallsQuery(f record.CallFilter) (string, []any, error) {
	sql, args, _, err := s.listCallsQuery(f)
	return sql, args, err
}

func (s *Store) listCallsQuery(f record.CallFilter) (sql string, args []any, limit int, err error) {
	limit = f.Limit
	switch {
	case limit == 0:
		limit = defaultLimit
	case limit < 0 || limit > maxLimit:
		return "", nil, 0, invalid("limit: must be 1..%d", maxLimit)
	}
	q, err := s.callFilter(f)
	if err != nil {
		return "", nil, 0, err
	}
	if f.Cursor != "" {
		at, id, err := decodeCallCursor(f.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		q.args = append(q.args, at, id)
		n := len(q.args)
		q.where = append(q.where, fmt.Sprintf("(%s, %s) < ($%d, $%d)", q.at, q.id, n-1, n))
	}
	q.args = append(q.args, limit+1)
	return q.sql(fmt.Sprintf(" LIMIT $%d", len(q.args))), q.args, limit, nil
}

// EachCall streams every call matching f, newest first, ignoring Limit and
// Cursor. Rows are read from the connection as fn consumes them, so an
// export of millions of calls holds one row at a time. An error from fn
// stops the stream and is returned as is (wrapped).
func (s *Store) EachCall(ctx context.Context, f record.CallFilter, fn func(record.Call) error) error {
	q, err := s.callFilter(f)
	if err != nil {
		return fmt.Errorf("each call: %w", err)
	}
	rows, err := s.pool.Query(ctx, q.sql(""), q.args...)
	if err != nil {
		return fmt.Errorf("each call: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return fmt.Errorf("each call: scan: %w", translate(err))
		}
		if err := fn(c); err != nil {
			return fmt.Errorf("each call: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("each call: %w", translate(err))
	}
	return nil
}
