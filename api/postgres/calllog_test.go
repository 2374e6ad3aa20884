package postgres_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

// logFixture writes a small call log with one distinguishing trait per call,
// so each filter selects a known set.
func logFixture(t *testing.T) *postgres.Store {
	t.Helper()
	st := pgtest.NewStore(t)
	mk := func(id string, minutes int, f func(*record.Call)) record.Call {
		at := t0.Add(time.Duration(minutes) * time.Minute)
		c := record.Call{ID: id, CallerNumber: "+8613800000000", Intent: record.IntentDesk,
			Outcome: record.OutcomeCompleted, ArrivedAt: at, AnsweredAt: ptr(at.Add(time.Second)),
			RingsToAnswer: 1, AnswerMS: 1000, UpdatedAt: at}
		f(&c)
		return c
	}
	calls := []record.Call{
		mk("a", 0, func(c *record.Call) { c.CallerNumber = "0755 8888 9999" }),
		mk("b", 10, func(c *record.Call) { c.StaffIDs = []string{"s1"} }),
		mk("c", 20, func(c *record.Call) { c.StaffIDs = []string{"s2", "s1"}; c.Intent = record.IntentComplaint }),
		mk("d", 30, func(c *record.Call) { c.Intent = record.IntentComplaint; c.Outcome = record.OutcomeMessageTaken }),
		mk("e", 40, func(c *record.Call) { c.RingsToAnswer = 3 }),
		mk("f", 50, func(c *record.Call) { c.RingsToAnswer = 4 }),
		mk("g", 60, func(c *record.Call) { c.AnsweredAt, c.RingsToAnswer = nil, 0; c.Outcome = record.OutcomeAbandoned }),
		mk("h", 70, func(c *record.Call) { c.Notes = "Wants a REFUND for order 100%" }),
		mk("i", 80, func(c *record.Call) { c.Notes = "refund_done" }),
	}
	if err := st.UpsertCalls(testCtx(t), calls); err != nil {
		t.Fatal(err)
	}
	return st
}

func ids(calls []record.Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.ID
	}
	return out
}

func TestListCallsFilters(t *testing.T) {
	t.Parallel()
	st := logFixture(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		name string
		f    record.CallFilter
		want []string
	}{
		{"NoFilterNewestFirst", record.CallFilter{}, []string{"i", "h", "g", "f", "e", "d", "c", "b", "a"}},
		{"FromInclusive", record.CallFilter{From: t0.Add(60 * time.Minute)}, []string{"i", "h", "g"}},
		{"ToExclusive", record.CallFilter{To: t0.Add(20 * time.Minute)}, []string{"b", "a"}},
		{"TimeRange", record.CallFilter{From: t0.Add(10 * time.Minute), To: t0.Add(30 * time.Minute)}, []string{"c", "b"}},
		{"CallerNumberNormalised", record.CallFilter{CallerNumber: "+86 755 8888 9999"}, []string{"a"}},
		{"CallerNumberAsDialled", record.CallFilter{CallerNumber: "(0755) 8888-9999"}, []string{"a"}},
		{"StaffTookPart", record.CallFilter{StaffID: "s1"}, []string{"c", "b"}},
		{"StaffSecond", record.CallFilter{StaffID: "s2"}, []string{"c"}},
		{"Intent", record.CallFilter{Intent: record.IntentComplaint}, []string{"d", "c"}},
		{"Outcome", record.CallFilter{Outcome: record.OutcomeAbandoned}, []string{"g"}},
		{"IntentAndOutcome", record.CallFilter{Intent: record.IntentComplaint, Outcome: record.OutcomeMessageTaken}, []string{"d"}},
		{"WithinThreeRingsExcludesLateAndUnanswered", record.CallFilter{WithinRings: 3}, []string{"i", "h", "e", "d", "c", "b", "a"}},
		{"WithinOneRing", record.CallFilter{WithinRings: 1, From: t0.Add(30 * time.Minute)}, []string{"i", "h", "d"}},
		{"TextCaseInsensitive", record.CallFilter{Text: "refund"}, []string{"i", "h"}},
		{"TextPercentIsLiteral", record.CallFilter{Text: "100%"}, []string{"h"}},
		{"TextUnderscoreIsLiteral", record.CallFilter{Text: "a_refund"}, nil},
		{"TextUnderscoreMatches", record.CallFilter{Text: "refund_"}, []string{"i"}},
		{"NothingMatches", record.CallFilter{StaffID: "nobody"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := st.ListCalls(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, ids(page.Calls), cmpEmptyNil); d != "" {
				t.Errorf("ids (-want +got):\n%s", d)
			}
			if page.NextCursor != "" {
				t.Errorf("next cursor %q on the only page", page.NextCursor)
			}
			var streamed []record.Call
			if err := st.EachCall(ctx, tc.f, func(c record.Call) error { streamed = append(streamed, c); return nil }); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(page.Calls, streamed, cmpEmptyNil); d != "" {
				t.Errorf("EachCall differs from ListCalls (-list +each):\n%s", d)
			}
		})
	}
}

var cmpEmptyNil = cmp.FilterValues(func(a, b any) bool {
	return isEmptySlice(a) && isEmptySlice(b)
}, cmp.Comparer(func(a, b any) bool { return true }))

func isEmptySlice(v any) bool {
	switch s := v.(type) {
	case []string:
		return len(s) == 0
	case []record.Call:
		return len(s) == 0
	}
	return false
}

func TestListCallsPagesLoseAndRepeatNothing(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	// 23 calls, arriving in groups of up to five at the same instant, so
	// page boundaries fall inside groups of equal arrived_at.
	var calls []record.Call
	for i := range 23 {
		at := t0.Add(time.Duration(i/5) * time.Minute)
		calls = append(calls, record.Call{ID: fmt.Sprintf("call%02d", (i*7)%23), ArrivedAt: at, UpdatedAt: at, Intent: record.IntentDesk})
	}
	if err := st.UpsertCalls(ctx, calls); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(calls)
	slices.SortFunc(want, func(a, b record.Call) int {
		if c := b.ArrivedAt.Compare(a.ArrivedAt); c != 0 {
			return c
		}
		return -cmpString(a.ID, b.ID)
	})
	for _, limit := range []int{1, 2, 4, 5, 22, 23, 24} {
		var got []string
		cursor, pages := "", 0
		for {
			page, err := st.ListCalls(ctx, record.CallFilter{Intent: record.IntentDesk, Limit: limit, Cursor: cursor})
			if err != nil {
				t.Fatalf("limit %d page %d: %v", limit, pages, err)
			}
			pages++
			got = append(got, ids(page.Calls)...)
			if page.NextCursor == "" {
				break
			}
			if pages > 30 {
				t.Fatalf("limit %d: no end after %d pages", limit, pages)
			}
			cursor = page.NextCursor
		}
		if d := cmp.Diff(ids(want), got); d != "" {
			t.Errorf("limit %d (-want +got):\n%s", limit, d)
		}
		if wantPages := (23 + limit - 1) / limit; pages != wantPages {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, wantPages)
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestListCallsBadInputIsInvalid(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	for name, f := range map[string]record.CallFilter{
		"GarbageCursor":   {Cursor: "not a cursor!"},
		"TruncatedCursor": {Cursor: "AQ"},
		"NegativeLimit":   {Limit: -1},
		"HugeLimit":       {Limit: 1001},
		"NegativeRings":   {WithinRings: -1},
		"EmptyRange":      {From: t0, To: t0},
	} {
		_, err := st.ListCalls(ctx, f)
		if record.ErrorCode(err) != record.EInvalid {
			t.Errorf("%s: %v, want %s", name, err, record.EInvalid)
		}
	}
	err := st.EachCall(ctx, record.CallFilter{WithinRings: -2}, func(record.Call) error { return nil })
	wantCode(t, err, record.EInvalid)
}

func TestEachCallStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	st := logFixture(t)
	stop := errors.New("client went away")
	seen := 0
	err := st.EachCall(testCtx(t), record.CallFilter{}, func(record.Call) error {
		seen++
		if seen == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || seen != 3 {
		t.Errorf("EachCall = %v after %d calls, want the callback's error after 3", err, seen)
	}
	// The connection went back to the pool in a usable state.
	if _, err := st.ListCalls(testCtx(t), record.CallFilter{Limit: 1}); err != nil {
		t.Fatal(err)
	}
}

// TestEachCallHoldsNoConnectionWhileItWaits (issue 11, high 1): the
// callback runs with every connection back in the pool, across pages, so
// an export waiting on a slow client holds none.
func TestEachCallHoldsNoConnectionWhileItWaits(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	if _, err := pgtest.SeedCalls(testCtx(t), st.Pool(), 1200, 3); err != nil { // three pages
		t.Fatal(err)
	}
	seen := 0
	err := st.EachCall(testCtx(t), record.CallFilter{}, func(record.Call) error {
		seen++
		if n := st.Pool().Stat().AcquiredConns(); n != 0 {
			return fmt.Errorf("call %d: %d connections held while the callback runs", seen, n)
		}
		return nil
	})
	if err != nil || seen != 1200 {
		t.Fatalf("EachCall: %v after %d calls, want all 1200", err, seen)
	}
}

func TestStaffFilterFollowsRewrites(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	c := record.Call{ID: "x", ArrivedAt: t0, UpdatedAt: t0, StaffIDs: []string{"s1", "s2"}}
	write := func(change func(*record.Call)) {
		t.Helper()
		change(&c)
		c.UpdatedAt = c.UpdatedAt.Add(time.Second)
		if err := st.UpsertCalls(ctx, []record.Call{c}); err != nil {
			t.Fatal(err)
		}
	}
	has := func(staff string, f record.CallFilter) bool {
		t.Helper()
		f.StaffID = staff
		page, err := st.ListCalls(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Calls) == 1
	}
	write(func(*record.Call) {})
	if !has("s1", record.CallFilter{}) || !has("s2", record.CallFilter{}) || has("s3", record.CallFilter{}) {
		t.Fatal("first write: want s1 and s2 only")
	}
	write(func(c *record.Call) { c.StaffIDs = []string{"s2", "s3"} })
	if has("s1", record.CallFilter{}) || !has("s2", record.CallFilter{}) || !has("s3", record.CallFilter{}) {
		t.Error("after s1 left: want s2 and s3 only")
	}
	write(func(c *record.Call) { c.ArrivedAt = t0.Add(time.Hour) }) // a corrected arrival time
	if has("s2", record.CallFilter{To: t0.Add(time.Minute)}) || !has("s2", record.CallFilter{From: t0.Add(time.Minute)}) {
		t.Error("after the arrival moved: the staff filter still sees the old time")
	}
	write(func(c *record.Call) { c.StaffIDs = nil })
	if has("s2", record.CallFilter{}) || has("s3", record.CallFilter{}) {
		t.Error("after everyone left: still listed")
	}
	// An older replay changes nothing, call_staff included.
	old := c
	old.StaffIDs, old.UpdatedAt = []string{"s9"}, t0
	if err := st.UpsertCalls(ctx, []record.Call{old}); err != nil {
		t.Fatal(err)
	}
	if has("s9", record.CallFilter{}) {
		t.Error("an older replay added s9")
	}
	var pairs int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM call_staff`).Scan(&pairs); err != nil {
		t.Fatal(err)
	}
	if pairs != 0 {
		t.Errorf("call_staff holds %d stale pairs", pairs)
	}
}

func TestStaffFilterPagesLoseAndRepeatNothing(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	var calls []record.Call
	var want []string
	for i := range 17 {
		at := t0.Add(time.Duration(i/4) * time.Minute) // groups of four at one instant
		c := record.Call{ID: fmt.Sprintf("c%02d", (i*5)%17), ArrivedAt: at, UpdatedAt: at, StaffIDs: []string{"other"}}
		if i%3 != 0 {
			c.StaffIDs = append(c.StaffIDs, "me")
		}
		calls = append(calls, c)
	}
	if err := st.UpsertCalls(ctx, calls); err != nil {
		t.Fatal(err)
	}
	page, err := st.ListCalls(ctx, record.CallFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range page.Calls {
		if slices.Contains(c.StaffIDs, "me") {
			want = append(want, c.ID)
		}
	}
	var got []string
	cursor := ""
	for range 20 {
		page, err := st.ListCalls(ctx, record.CallFilter{StaffID: "me", Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(page.Calls)...)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if d := cmp.Diff(want, got); d != "" || len(want) != 11 {
		t.Errorf("%d wanted; (-want +got):\n%s", len(want), d)
	}
}
