package routing_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/arictl"
)

// setupSink keeps the engine's answer-to-bridge figures and signals each
// call's end.
type setupSink struct {
	mu        sync.Mutex
	setups    []time.Duration
	connected chan struct{}
	ended     chan struct{}
}

func (s *setupSink) Call(record.Call) {}

func (s *setupSink) Event(e record.Event) {
	switch e.Type {
	case "connected":
		var d struct {
			US int64 `json:"answer_to_bridge_us"`
		}
		if json.Unmarshal(e.Data, &d) == nil {
			s.mu.Lock()
			s.setups = append(s.setups, time.Duration(d.US)*time.Microsecond)
			s.mu.Unlock()
		}
		s.connected <- struct{}{}
	case "outcome":
		s.ended <- struct{}{}
	}
}

// BenchmarkTransferAnswerToBridge measures, over real ARI (HTTP and
// WebSocket) against the stand-in at real speed, the time from the
// person's leg entering the application (answered) to caller and person
// bridged, minus the whisper's own playing time: the stop of the whisper,
// music off, bridge create, both legs added. Goal: p99 under 20 ms.
func BenchmarkTransferAnswerToBridge(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st := pgtest.NewStore(b)
	srv := aritest.NewServer(aritest.Options{Speed: 1, DefaultMediaDuration: time.Millisecond})
	b.Cleanup(srv.Close)
	person, err := st.CreateStaff(ctx, record.Staff{Name: "甲", Extension: "2001", Department: "desk", Active: true})
	if err != nil {
		b.Fatal(err)
	}
	srv.AddPhone(person.Endpoint, aritest.PhoneOptions{})
	client, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: srv.URL(), WSURL: srv.WSURL()}}, Username: "callsvc", Password: "callsvc"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { client.Close() })
	sink := &setupSink{connected: make(chan struct{}, 1), ended: make(chan struct{}, 1)}
	eng, err := routing.NewEngine(routing.Config{Control: arictl.New(client, arictl.Options{}), Sink: sink, Directory: st,
		GreetWait: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	wait := arictl.Start(sctx, client, eng)
	b.Cleanup(func() { stop(); wait(); eng.Close() })

	b.ResetTimer()
	for range b.N {
		c := srv.Dial(ctx, aritest.CallerOptions{From: "+8613800138000", To: "100", Args: []string{"inbound"}})
		if err := c.Press(ctx, "0"); err != nil {
			b.Fatal(err)
		}
		select {
		case <-sink.connected:
		case <-ctx.Done():
			b.Fatal("call was not put through")
		}
		if err := c.Hangup(ctx); err != nil {
			b.Fatal(err)
		}
		select {
		case <-sink.ended:
		case <-ctx.Done():
			b.Fatal("call did not end")
		}
	}
	b.StopTimer()
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.setups) == 0 {
		b.Fatal("no call was put through")
	}
	slices.Sort(sink.setups)
	q := func(p float64) float64 {
		return float64(sink.setups[int(p*float64(len(sink.setups)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(sink.setups[len(sink.setups)-1].Microseconds())/1000, "max-ms")
}
