package postgres_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func sampleCall(id string, arrived time.Time) record.Call {
	return record.Call{
		ID: id, Node: "pbx1", ChannelID: "pbx1-" + id, CallerNumber: "138 1234 5678",
		CallerName: "張三", DialedNumber: "400", Language: "zh", Intent: record.IntentOrder,
		OwnerStaffID: "s1", StaffIDs: []string{"s1", "s2"}, Outcome: record.OutcomeConnected,
		EndedBy: "caller", ArrivedAt: arrived, AnsweredAt: ptr(arrived.Add(2 * time.Second)),
		EndedAt: ptr(arrived.Add(3 * time.Minute)), RingsToAnswer: 1, AnswerMS: 2000,
		TalkSeconds: 170, Transferred: true, Notes: "wants delivery of order 42",
		UpdatedAt: arrived.Add(3 * time.Minute),
	}
}

func TestUpsertCallsThenGetCall(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	c := sampleCall("01CALL", t0)
	if err := st.UpsertCalls(ctx, []record.Call{c}); err != nil {
		t.Fatal(err)
	}
	ev := []record.Event{
		{ID: "e2", CallID: c.ID, At: t0.Add(time.Second), Type: "answered", Data: json.RawMessage(`{"rings": 1}`)},
		{ID: "e1", CallID: c.ID, At: t0, Type: "arrived"},
	}
	n, err := st.AppendEvents(ctx, ev)
	if err != nil || n != 2 {
		t.Fatalf("AppendEvents = %d, %v; want 2, nil", n, err)
	}
	got, events, err := st.GetCall(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := c
	want.CallerNumber = "+8613812345678" // stored normalised
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("call (-want +got):\n%s", d)
	}
	wantEv := []record.Event{ev[1], {ID: "e2", CallID: c.ID, At: t0.Add(time.Second), Type: "answered", Data: json.RawMessage(`{"rings": 1}`)}}
	if d := cmp.Diff(wantEv, events); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
}

func TestUpsertCallsOlderReplayDoesNotMoveRecordBackwards(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	ringing := sampleCall("01RACE", t0)
	ringing.Outcome, ringing.AnsweredAt, ringing.EndedAt = record.OutcomeInProgress, nil, nil
	ringing.UpdatedAt = t0.Add(time.Second)
	done := sampleCall("01RACE", t0)
	done.Outcome, done.UpdatedAt = record.OutcomeCompleted, t0.Add(time.Minute)

	for _, step := range []struct {
		name  string
		write record.Call
		want  string
	}{
		{"NewerFirstWrite", done, record.OutcomeCompleted},
		{"OlderReplayIgnored", ringing, record.OutcomeCompleted},
		{"EqualReplayIgnored", func() record.Call { c := done; c.Notes = "changed"; return c }(), record.OutcomeCompleted},
		{"NewerWins", func() record.Call {
			c := done
			c.Outcome = record.OutcomeTransferred
			c.UpdatedAt = t0.Add(time.Hour)
			return c
		}(), record.OutcomeTransferred},
	} {
		if err := st.UpsertCalls(ctx, []record.Call{step.write}); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got, _, err := st.GetCall(ctx, "01RACE")
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got.Outcome != step.want || got.Notes != done.Notes {
			t.Errorf("%s: outcome %q notes %q, want %q %q", step.name, got.Outcome, got.Notes, step.want, done.Notes)
		}
	}
}

func TestUpsertCallsSameCallTwiceInOneBatchKeepsNewest(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	a := sampleCall("01DUP", t0)
	b := a
	b.Outcome, b.UpdatedAt = record.OutcomeMessageTaken, a.UpdatedAt.Add(time.Second)
	if err := st.UpsertCalls(ctx, []record.Call{b, a}); err != nil {
		t.Fatal(err)
	}
	got, _, err := st.GetCall(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != record.OutcomeMessageTaken {
		t.Errorf("outcome = %q, want the newer %q", got.Outcome, record.OutcomeMessageTaken)
	}
}

func TestUpsertCallsZeroUpdatedAtIsNow(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	c := sampleCall("01NOW", t0)
	c.UpdatedAt = time.Time{}
	before := time.Now().Add(-time.Second)
	if err := st.UpsertCalls(ctx, []record.Call{c}); err != nil {
		t.Fatal(err)
	}
	got, _, err := st.GetCall(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UpdatedAt.Before(before) {
		t.Errorf("updated_at = %v, want about now", got.UpdatedAt)
	}
}

func TestAppendEventsReplayInsertsOnce(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	var evs []record.Event
	for i, typ := range []record.EventType{"arrived", "ringing", "answered", "greeted", "ended"} {
		evs = append(evs, record.Event{ID: "ev" + string(rune('a'+i)), CallID: "01REPLAY", At: t0.Add(time.Duration(i) * time.Second), Type: typ})
	}
	if n, err := st.AppendEvents(ctx, evs); err != nil || n != 5 {
		t.Fatalf("first append = %d, %v; want 5", n, err)
	}
	if n, err := st.AppendEvents(ctx, evs); err != nil || n != 0 {
		t.Fatalf("replay = %d, %v; want 0", n, err)
	}
	// A batch repeating an event within itself, plus one new one.
	if n, err := st.AppendEvents(ctx, append(evs[:1:1], evs[0], record.Event{ID: "evz", CallID: "01REPLAY", At: t0, Type: "note"})); err != nil || n != 1 {
		t.Fatalf("mixed replay = %d, %v; want 1", n, err)
	}
	var rows int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM call_events WHERE call_id = '01REPLAY'`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 6 {
		t.Errorf("stored events = %d, want 6", rows)
	}
}

func TestAppendEventsBeforeTheirCallAreKept(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	ev := record.Event{ID: "early", CallID: "01LATE", At: t0, Type: "arrived"}
	if n, err := st.AppendEvents(ctx, []record.Event{ev}); err != nil || n != 1 {
		t.Fatalf("AppendEvents = %d, %v", n, err)
	}
	_, _, err := st.GetCall(ctx, "01LATE")
	wantCode(t, err, record.ENotFound)
	if err := st.UpsertCalls(ctx, []record.Call{sampleCall("01LATE", t0)}); err != nil {
		t.Fatal(err)
	}
	_, events, err := st.GetCall(ctx, "01LATE")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].ID != "early" {
		t.Errorf("events = %+v, want the early one", events)
	}
}

func TestWritesRejectBadInputAndStoreNothing(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	good := sampleCall("01GOOD", t0)
	for name, bad := range map[string]func(*record.Call){
		"MissingID":       func(c *record.Call) { c.ID = " " },
		"MissingArrival":  func(c *record.Call) { c.ArrivedAt = time.Time{} },
		"NegativeRings":   func(c *record.Call) { c.RingsToAnswer = -1 },
		"NegativeAnswer":  func(c *record.Call) { c.AnswerMS = -5 },
		"NegativeTalk":    func(c *record.Call) { c.TalkSeconds = -5 },
		"EmptyStaffEntry": func(c *record.Call) { c.StaffIDs = []string{"s1", ""} },
		"NulInText":       func(c *record.Call) { c.Notes = "a\x00b" },
	} {
		c := sampleCall("01BAD", t0)
		bad(&c)
		err := st.UpsertCalls(ctx, []record.Call{good, c})
		if record.ErrorCode(err) != record.EInvalid {
			t.Errorf("%s: error %v, want %s", name, err, record.EInvalid)
		}
	}
	for name, ev := range map[string]record.Event{
		"MissingID":     {CallID: "c", At: t0, Type: "x"},
		"MissingCall":   {ID: "e", At: t0, Type: "x"},
		"MissingTime":   {ID: "e", CallID: "c", Type: "x"},
		"MissingType":   {ID: "e", CallID: "c", At: t0},
		"DataNotObject": {ID: "e", CallID: "c", At: t0, Type: "x", Data: json.RawMessage(`[1]`)},
		"DataNotJSON":   {ID: "e", CallID: "c", At: t0, Type: "x", Data: json.RawMessage(`{`)},
		"DataNull":      {ID: "e", CallID: "c", At: t0, Type: "x", Data: json.RawMessage(`null`)},
	} {
		okEv := record.Event{ID: "ok", CallID: "c", At: t0, Type: "x"}
		n, err := st.AppendEvents(ctx, []record.Event{okEv, ev})
		if record.ErrorCode(err) != record.EInvalid || n != 0 {
			t.Errorf("%s: = %d, %v; want 0, %s", name, n, err, record.EInvalid)
		}
	}
	var calls, events int
	if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM call_events)`).Scan(&calls, &events); err != nil {
		t.Fatal(err)
	}
	if calls != 0 || events != 0 {
		t.Errorf("after rejected writes: %d calls, %d events stored; want none", calls, events)
	}
}

func TestGetCallMissingIsNotFound(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	_, _, err := st.GetCall(testCtx(t), "nope")
	wantCode(t, err, record.ENotFound)
	if record.ErrorMessage(err) != "call not found" {
		t.Errorf("message = %q", record.ErrorMessage(err))
	}
}

func TestUpsertCallsKeepsEachStaffMemberOnce(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	c := sampleCall("01TWICE", t0)
	c.StaffIDs = []string{"s2", "s1", "s2"} // s2 took the call, passed it on, got it back
	if err := st.UpsertCalls(ctx, []record.Call{c}); err != nil {
		t.Fatal(err)
	}
	got, _, err := st.GetCall(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"s2", "s1"}, got.StaffIDs); d != "" {
		t.Errorf("staff_ids (-want +got):\n%s", d)
	}
}

// TestConcurrentWritersOfOneCallEndNewest races two writers of the same call
// with different staff: whatever the interleaving, the newer version wins
// and call_staff matches it exactly.
func TestConcurrentWritersOfOneCallEndNewest(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	for round := range 20 {
		id := fmt.Sprintf("race-%02d", round)
		older := record.Call{ID: id, ArrivedAt: t0, UpdatedAt: t0.Add(time.Second), StaffIDs: []string{"a", "x"}}
		newer := record.Call{ID: id, ArrivedAt: t0, UpdatedAt: t0.Add(2 * time.Second), StaffIDs: []string{"b"}}
		if round%2 == 0 { // half the rounds start from a stored version with other staff
			seed := record.Call{ID: id, ArrivedAt: t0, UpdatedAt: t0, StaffIDs: []string{"c"}}
			if err := st.UpsertCalls(ctx, []record.Call{seed}); err != nil {
				t.Fatal(err)
			}
		}
		start := make(chan struct{})
		errs := make(chan error, 2)
		for _, c := range []record.Call{older, newer} {
			go func() {
				<-start
				errs <- st.UpsertCalls(ctx, []record.Call{c})
			}()
		}
		close(start)
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		got, _, err := st.GetCall(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"b"}, got.StaffIDs); d != "" {
			t.Fatalf("round %d: staff (-want +got):\n%s", round, d)
		}
		rows, err := st.Pool().Query(ctx, `SELECT staff_id FROM call_staff WHERE call_id = $1 ORDER BY 1`, id)
		if err != nil {
			t.Fatal(err)
		}
		pairs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"b"}, pairs); d != "" {
			t.Fatalf("round %d: call_staff (-want +got):\n%s", round, d)
		}
	}
}

// TestOverlappingBatchesInOppositeOrderDoNotDeadlock writes the same calls
// and events from two writers, one in reverse order: the store orders each
// batch, so neither waits on the other in a cycle (40P01).
func TestOverlappingBatchesInOppositeOrderDoNotDeadlock(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	for round := range 5 {
		calls, events := writeBatch(round, 200)
		for i := range calls {
			calls[i].StaffIDs = []string{"s1", fmt.Sprint("s", i%7)}
		}
		rcalls, revents := slices.Clone(calls), slices.Clone(events)
		slices.Reverse(rcalls)
		slices.Reverse(revents)
		for i := range rcalls {
			rcalls[i].UpdatedAt = rcalls[i].UpdatedAt.Add(time.Second)
		}
		start := make(chan struct{})
		errs := make(chan error, 2)
		for _, b := range []struct {
			c []record.Call
			e []record.Event
		}{{calls, events}, {rcalls, revents}} {
			go func() {
				<-start
				if err := st.UpsertCalls(ctx, b.c); err != nil {
					errs <- err
					return
				}
				_, err := st.AppendEvents(ctx, b.e)
				errs <- err
			}()
		}
		close(start)
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	var calls, events int
	if err := st.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM call_events)`).Scan(&calls, &events); err != nil {
		t.Fatal(err)
	}
	if calls != 1000 || events != 5000 {
		t.Errorf("stored %d calls, %d events; want 1000, 5000", calls, events)
	}
}
