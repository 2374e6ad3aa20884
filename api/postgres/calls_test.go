package postgres_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
