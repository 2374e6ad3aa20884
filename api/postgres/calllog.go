package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"callsvc/api/record"
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
	calls, err := scanCalls(rows, limit+1)
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

// scanCalls reads a page of calls, expecting up to n rows: the slice and
// the scanner are sized once, and each row is scanned in place. The text
// columns are read as the driver's bytes and gathered in one buffer that
// becomes a single string for the page, which every text field then
// slices: one allocation for the page instead of one per field per row.
func scanCalls(rows pgx.Rows, n int) ([]record.Call, error) {
	defer rows.Close()
	calls := make([]record.Call, 0, n)
	sc := newCallScanner(n)
	var text [callTextColumns]pgtype.DriverBytes
	scratch := textScratchPool.Get().(*textScratch)
	defer scratch.release()
	arena, refs := scratch.arena[:0], scratch.refs[:0]
	for rows.Next() {
		calls = append(calls, record.Call{})
		row := len(calls) - 1
		c := &calls[row]
		d := sc.destinations(c)
		for k := range text {
			d[callTextIndex[k]] = &text[k]
		}
		if err := sc.scanInto(rows, c); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		for k, v := range text {
			if len(v) == 0 {
				continue // "" needs no room
			}
			start := len(arena)
			arena = append(arena, v...)
			refs = append(refs, textRef{row: int32(row), col: int32(k), start: start, end: len(arena)})
		}
	}
	scratch.arena, scratch.refs = arena, refs // keep what grew
	if err := rows.Err(); err != nil {
		return nil, err
	}
	all := string(arena)
	for _, r := range refs {
		*callText(&calls[r.row], int(r.col)) = all[r.start:r.end]
	}
	return calls, nil
}

// textRef places one text value of a page: row and column, and where its
// bytes are in the page's buffer.
type textRef struct {
	row, col   int32 // a page has at most maxLimit+1 rows
	start, end int
}

// textScratch is the gathering room of one page: the text bytes (copied
// into the page's string at the end) and their places. Nothing of it
// outlives the page, so it is recycled between requests.
type textScratch struct {
	arena []byte
	refs  []textRef
}

// maxScratch keeps a rare huge page from pinning its buffers.
const maxScratch = 1 << 20

var textScratchPool = sync.Pool{New: func() any {
	return &textScratch{arena: make([]byte, 0, 16<<10), refs: make([]textRef, 0, 512)}
}}

func (s *textScratch) release() {
	if cap(s.arena) > maxScratch || cap(s.refs)*24 > maxScratch {
		return
	}
	textScratchPool.Put(s)
}

// callTextColumns are the text columns of callColumns; callTextIndex gives
// their positions and callText their fields, in the same order.
const callTextColumns = 13

var callTextIndex = [callTextColumns]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 21}

func callText(c *record.Call, col int) *string {
	return [callTextColumns]*string{&c.ID, &c.Node, &c.ChannelID, &c.CallerNumber, &c.CallerName,
		&c.CustomerID, &c.DialedNumber, &c.Language, &c.Intent, &c.OwnerStaffID, &c.Outcome,
		&c.EndedBy, &c.Notes}[col]
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
	if limit, err = pageLimit(f.Limit); err != nil {
		return "", nil, 0, err
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

// eachCallPage is how many calls EachCall reads at a time.
const eachCallPage = 500

// EachCall hands fn every call matching f, newest first, ignoring Limit
// and Cursor. It reads a page at a time (keyset, as ListCalls) and calls
// fn only after the page's rows are read and its connection is back in the
// pool: fn may wait as long as it likes (on a slow client, say) without
// holding a database connection, and an export of millions of calls holds
// one page. Calls arriving meanwhile newer than the first page are not
// included. An error from fn stops it and is returned as is (wrapped).
func (s *Store) EachCall(ctx context.Context, f record.CallFilter, fn func(record.Call) error) error {
	f.Limit, f.Cursor = eachCallPage, ""
	for {
		page, err := s.ListCalls(ctx, f)
		if err != nil {
			return fmt.Errorf("each call: %w", err)
		}
		for _, c := range page.Calls {
			if err := fn(c); err != nil {
				return fmt.Errorf("each call: %w", err)
			}
		}
		if page.NextCursor == "" {
			return nil
		}
		f.Cursor = page.NextCursor
	}
}
