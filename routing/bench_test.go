package routing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"callsvc/api/record"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/calendar"
	"callsvc/routing/prompt"
)

// BenchmarkDecide: one routing decision over a 200-person directory.
func BenchmarkDecide(b *testing.B) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)
	r := routing.Router{Hours: &calendar.Hours{Calendar: calendar.China(), Location: shanghai, Open: 9 * time.Hour, Close: 18 * time.Hour}}
	var staff []routing.Candidate
	for i := range 200 {
		dept := []string{"desk", "sales", "support"}[i%3]
		staff = append(staff, routing.Candidate{
			Staff:     record.Staff{ID: fmt.Sprintf("s%03d", i), Extension: fmt.Sprint(2000 + i), Department: dept, Skills: []string{"zh"}, Active: true},
			Available: i%4 != 0, Busy: i%5 == 0, IdleSince: now.Add(-time.Duration(i) * time.Minute),
		})
	}
	req := routing.RouteRequest{Now: now, Intent: record.IntentOrder, Language: "zh", Staff: staff}
	b.ReportAllocs()
	for b.Loop() {
		if d := r.Decide(req); d.Staff == nil {
			b.Fatal("nobody chosen")
		}
	}
}

// BenchmarkGreet: the greeting for a known customer on a holiday calendar.
func BenchmarkGreet(b *testing.B) {
	g := routing.Greeter{Location: shanghai, Calendar: calendar.Combine(calendar.China(), calendar.UnitedStates(), calendar.Canada()),
		TimeOfDay: true, Catalogue: prompt.Standard("示例貿易公司")}
	cust := &record.Customer{Surname: "張", Title: "先生"}
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		g.Greet(now, prompt.ZH, cust)
	}
}

// BenchmarkAnswer measures, over the real ARI client and aritest, the time
// from a caller dialling in to the call being answered (S1: the engine must
// not add delay). Reported as the records' answer_ms too.
func BenchmarkAnswer(b *testing.B) {
	srv := aritest.NewServer(aritest.Options{Speed: 1})
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sc := benchEngine(b, ctx, srv)
	for b.Loop() {
		caller := srv.Dial(ctx, aritest.CallerOptions{From: "+8613800138000", To: "100", Args: []string{"inbound"}})
		if err := caller.WaitState(ctx, "Up"); err != nil {
			b.Fatal(err)
		}
		caller.Hangup(ctx)
	}
	b.StopTimer()
	if err := sc.Wait(ctx); err != nil {
		b.Fatal(err)
	}
}
