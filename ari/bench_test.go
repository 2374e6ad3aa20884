package ari

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
)

// traceEvent finds the first event of a type in the traces.
func traceEvent(b *testing.B, typ string) []byte {
	b.Helper()
	for _, tf := range loadTraces(b) {
		for _, l := range tf.lines {
			if l.Dir != "event" {
				continue
			}
			var head struct{ Type string }
			if json.Unmarshal(l.Event, &head) == nil && head.Type == typ {
				return l.Event
			}
		}
	}
	b.Fatalf("no %s in the traces", typ)
	return nil
}

func BenchmarkDecodeEvent(b *testing.B) {
	for _, typ := range []string{"StasisStart", "ChannelDtmfReceived", "PlaybackFinished"} {
		b.Run(typ, func(b *testing.B) {
			data := traceEvent(b, typ)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeEvent("node-a", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDispatch is the cost of routing one decoded event to a
// subscriber's queue among many subscriptions.
func BenchmarkDispatch(b *testing.B) {
	done := make(chan struct{})
	defer close(done)
	bs := &bus{byKey: map[Key][]*Subscription{}, byType: map[string][]*Subscription{}}
	var subs []*Subscription
	for i := range 1000 {
		s := &Subscription{bus: bs, f: newFeed[Event]()}
		bs.addKeys(s, []Key{ChannelKey("node-a", string(rune('a'+i%26))+itoa(i))})
		subs = append(subs, s)
	}
	ev, err := DecodeEvent("node-a", traceEvent(b, "ChannelDtmfReceived"))
	if err != nil {
		b.Fatal(err)
	}
	target := &Subscription{bus: bs, f: newFeed[Event]()}
	bs.addKeys(target, ev.keys())
	b.ReportAllocs()
	for b.Loop() {
		bs.dispatch(ev)
		if target.f.queued() > 4096 {
			target.f.q, target.f.head = target.f.q[:0], 0
		}
	}
}

// BenchmarkDeliver is one event from dispatch to the subscriber's Next.
func BenchmarkDeliver(b *testing.B) {
	var wg sync.WaitGroup
	bs := newBus(&wg)
	defer wg.Wait()
	defer bs.shutdown()
	ev, err := DecodeEvent("node-a", traceEvent(b, "ChannelDtmfReceived"))
	if err != nil {
		b.Fatal(err)
	}
	sub := bs.subscribeKeys(context.Background(), ev.keys())
	b.ReportAllocs()
	for b.Loop() {
		bs.dispatch(ev)
		if _, err := sub.Next(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
