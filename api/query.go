package api

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"callsvc/api/record"
)

// Page sizes of list endpoints.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// params reads a query string strictly: an unknown or repeated parameter is
// an error, because a mistyped filter would otherwise silently widen the
// result (and for a call log, show more than was asked for).
type params struct {
	v   url.Values
	err error
}

func newParams(q url.Values, allowed ...string) *params {
	p := &params{v: q}
	for name, vals := range q {
		switch {
		case !contains(allowed, name):
			p.fail(record.Errorf(record.EInvalid, "unknown query parameter %q", name))
		case len(vals) > 1:
			p.fail(record.Errorf(record.EInvalid, "query parameter %q is given more than once", name))
		}
	}
	return p
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *params) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

func (p *params) str(name string) string { return strings.TrimSpace(p.v.Get(name)) }

// time parses an RFC 3339 timestamp; absent is the zero time.
func (p *params) time(name string) time.Time {
	s := p.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.fail(record.Errorf(record.EInvalid, "%s must be an RFC 3339 time such as 2026-11-27T09:00:00Z", name))
		return time.Time{}
	}
	return t.UTC()
}

// int parses an integer in [lo, hi]; absent is def.
func (p *params) int(name string, def, lo, hi int) int {
	s := p.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		p.fail(record.Errorf(record.EInvalid, "%s must be a whole number from %d to %d", name, lo, hi))
		return def
	}
	return n
}

// oneOf requires the value to be empty or in set.
func (p *params) oneOf(name string, set map[string]bool) string {
	s := p.str(name)
	if s != "" && !set[s] {
		p.fail(record.Errorf(record.EInvalid, "%s %q is not one of the known values", name, s))
	}
	return s
}

// ref reads a staff or customer id.
func (p *params) ref(name string) string {
	s := p.str(name)
	if s != "" && !isRef(s) {
		p.fail(record.Errorf(record.EInvalid, "%s is not a valid id", name))
	}
	return s
}

// cursor reads an opaque page cursor. Its content is the store's business;
// here only its shape is checked, so junk is refused before any query.
func (p *params) cursor() string {
	s := p.str("cursor")
	if len(s) > 512 || !isCursorText(s) {
		p.fail(record.Errorf(record.EInvalid, "cursor is not valid; use next_cursor from the previous page"))
		return ""
	}
	return s
}

func isCursorText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_=+/.~", c) >= 0) {
			return false
		}
	}
	return true
}

// range checks that from comes before to when both are given.
func (p *params) timeRange(from, to time.Time) {
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		p.fail(record.Errorf(record.EInvalid, "from must be before to"))
	}
}

// callFilterParams are the call log's filters, shared by the JSON and CSV lists.
var callFilterParams = []string{"from", "to", "caller", "staff_id", "intent", "outcome", "within_rings", "q"}

// callFilter reads the call log's filters (and, when paged, limit and
// cursor). The caller number is normalised as stored.
func callFilter(q url.Values, paged bool, country string) (record.CallFilter, error) {
	allowed := callFilterParams
	if paged {
		allowed = append(allowed[:len(allowed):len(allowed)], "limit", "cursor")
	}
	p := newParams(q, allowed...)
	f := record.CallFilter{
		From:        p.time("from"),
		To:          p.time("to"),
		StaffID:     p.ref("staff_id"),
		Intent:      p.oneOf("intent", knownIntents),
		Outcome:     p.oneOf("outcome", knownOutcomes),
		WithinRings: p.int("within_rings", 0, 1, 3),
		Text:        p.str("q"),
	}
	p.timeRange(f.From, f.To)
	if c := p.str("caller"); c != "" {
		f.CallerNumber = record.NormalizePhone(c, country)
	}
	if len(f.Text) > maxShortText {
		p.fail(record.Errorf(record.EInvalid, "q is longer than %d bytes", maxShortText))
	}
	if paged {
		f.Limit = p.int("limit", defaultLimit, 1, maxLimit)
		f.Cursor = p.cursor()
	}
	return f, p.err
}

// listQuery reads limit and cursor for the directory lists (customers,
// staff, presence).
func listQuery(q url.Values) (record.ListQuery, error) {
	p := newParams(q, "limit", "cursor")
	lq := record.ListQuery{Limit: p.int("limit", defaultLimit, 1, maxLimit), Cursor: p.cursor()}
	return lq, p.err
}
