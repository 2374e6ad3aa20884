package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

func TestReserveHoldsOnePersonForOneCall(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	s, err := st.CreateStaff(ctx, record.Staff{Name: "甲", Extension: "2001", Department: "desk", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		name   string
		call   string
		want   bool
		action string
	}{
		{"FreePersonIsTaken", "call-1", true, "reserve"},
		{"SecondCallIsRefused", "call-2", false, "reserve"},
		{"SameCallRenews", "call-1", true, "reserve"},
		{"ReleaseByOtherCallIsIgnored", "call-2", false, "release"},
		{"StillRefusedAfterForeignRelease", "call-2", false, "reserve"},
		{"ReleasedByHolder", "call-1", false, "release"},
		{"FreeAgain", "call-2", true, "reserve"},
	} {
		switch step.action {
		case "reserve":
			got, err := st.Reserve(ctx, s.ID, step.call, time.Minute)
			if err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			if got != step.want {
				t.Fatalf("%s: reserve = %v, want %v", step.name, got, step.want)
			}
		case "release":
			if err := st.Release(ctx, s.ID, step.call); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		}
	}
	held, err := st.Reserved(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if held[s.ID] != "call-2" {
		t.Fatalf("reserved = %v", held)
	}
}

// A crashed engine's hold lapses with its lease.
func TestReserveLeaseLapses(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	s, err := st.CreateStaff(ctx, record.Staff{Name: "甲", Extension: "2001", Department: "desk", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Reserve(ctx, s.ID, "crashed-call", time.Microsecond); err != nil || !ok {
		t.Fatalf("reserve = %v, %v", ok, err)
	}
	// The next statement starts after the microsecond lease has passed.
	ok, err := st.Reserve(ctx, s.ID, "next-call", time.Minute)
	if err != nil || !ok {
		t.Fatalf("after the lease: reserve = %v, %v", ok, err)
	}
}

func TestReserveRejectsBadInput(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		staff, call string
		lease       time.Duration
	}{{"", "c", time.Minute}, {"s", "", time.Minute}, {"s", "c", 0}} {
		_, err := st.Reserve(ctx, tc.staff, tc.call, tc.lease)
		wantCode(t, err, record.EInvalid)
	}
	_, err := st.Reserve(ctx, "no-such-person", "c", time.Minute)
	wantCode(t, err, record.EInvalid)
}

// Two stores (two engine instances) on one database, many workers claiming
// people from a small pool at once: a person is never held by two calls.
func TestReserveNoDoubleBookingAcrossInstances(t *testing.T) {
	t.Parallel()
	dsn := pgtest.NewDB(t)
	ctx := testCtx(t)
	var stores []*postgres.Store
	for range 2 {
		st, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		stores = append(stores, st)
	}
	var people []string
	for i := range 5 {
		s, err := stores[0].CreateStaff(ctx, record.Staff{Name: fmt.Sprint("p", i), Extension: fmt.Sprint(2000 + i), Department: "desk", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, s.ID)
	}
	const claims = 1200
	var (
		mu       sync.Mutex
		holder   = map[string]string{}
		next     atomic.Int64
		won      atomic.Int64
		wg       sync.WaitGroup
		failures = make(chan string, 16)
	)
	for w := range 8 {
		st := stores[w%2]
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				n := next.Add(1)
				if n > claims {
					return
				}
				call := fmt.Sprint("call-", n)
				p := people[rng.IntN(len(people))]
				ok, err := st.Reserve(ctx, p, call, time.Minute)
				if err != nil {
					failures <- err.Error()
					return
				}
				if !ok {
					continue
				}
				won.Add(1)
				mu.Lock()
				if other, taken := holder[p]; taken {
					failures <- fmt.Sprintf("%s held by %s and %s", p, other, call)
				}
				holder[p] = call
				mu.Unlock()
				mu.Lock()
				delete(holder, p)
				mu.Unlock()
				if err := st.Release(ctx, p, call); err != nil {
					failures <- err.Error()
					return
				}
			}
		})
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	if won.Load() == 0 {
		t.Fatal("no claim succeeded")
	}
	t.Logf("%d of %d claims won", won.Load(), claims)
}

func TestAgentEventsResumeAfterID(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	at := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	in := []record.AgentEvent{
		{StaffID: "a", CallID: "c1", Type: "offered", At: at, Context: record.CallContext{CallID: "c1", Intent: "order", Notes: []string{"wants a refund"}}},
		{StaffID: "b", CallID: "c2", Type: "offered", At: at},
		{StaffID: "a", CallID: "c1", Type: "connected", At: at.Add(time.Second)},
	}
	stored, err := st.AppendAgentEvents(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 3 || stored[0].ID >= stored[2].ID {
		t.Fatalf("stored = %+v", stored)
	}
	all, err := st.AgentEventsAfter(ctx, "a", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Context.Notes[0] != "wants a refund" || !all[1].At.Equal(at.Add(time.Second)) {
		t.Fatalf("a's events = %+v", all)
	}
	rest, err := st.AgentEventsAfter(ctx, "a", all[0].ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 1 || rest[0].Type != "connected" {
		t.Fatalf("after %d: %+v", all[0].ID, rest)
	}
	_, err = st.AppendAgentEvents(ctx, []record.AgentEvent{{StaffID: "a", CallID: "c"}})
	wantCode(t, err, record.EInvalid)

	// The tail: a's newest, oldest first; nobody's is empty.
	tail, err := st.AgentEventsTail(ctx, "a", 1)
	if err != nil || len(tail) != 1 || tail[0].ID != stored[2].ID {
		t.Fatalf("tail 1 = %+v, %v", tail, err)
	}
	tail, err = st.AgentEventsTail(ctx, "a", 10)
	if err != nil || len(tail) != 2 || tail[0].ID != stored[0].ID || tail[1].Type != "connected" {
		t.Fatalf("tail 10 = %+v, %v", tail, err)
	}
	if tail, err := st.AgentEventsTail(ctx, "nobody", 10); err != nil || len(tail) != 0 {
		t.Fatalf("nobody's tail = %+v, %v", tail, err)
	}
}
