package main

import (
	"context"
	"math"
	"os"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"callsvc/api/postgres"
	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/routing"
)

// inboundTap notes when each StasisStart reaches the engine, then hands
// the call on. It passes Resync through so reconnects behave as in serve.
type inboundTap struct {
	eng   *routing.Engine
	clock *answerClock
}

func (t inboundTap) Inbound(ctx context.Context, a routing.Arrival) {
	t.clock.start(a.Leg)
	t.eng.Inbound(ctx, a)
}

func (t inboundTap) Resync(node string, live []string) int { return t.eng.Resync(node, live) }

// timedControl is the engine's call control with the answer timed: from
// the StasisStart received to Asterisk's 204 for POST .../answer.
type timedControl struct {
	routing.CallControl
	clock *answerClock
}

func (t timedControl) Answer(ctx context.Context, leg routing.Leg) error {
	start := time.Now()
	err := t.CallControl.Answer(ctx, leg)
	if err == nil {
		t.clock.answerReq.add(time.Since(start))
		t.clock.answer(leg)
	}
	return err
}

// Ring is timed too: it is the other request between StasisStart and the
// answer.
func (t timedControl) Ring(ctx context.Context, leg routing.Leg) error {
	start := time.Now()
	err := t.CallControl.Ring(ctx, leg)
	if err == nil {
		t.clock.ringReq.add(time.Since(start))
	}
	return err
}

// answerClock pairs arrivals with answers.
type answerClock struct {
	mu       sync.Mutex
	started  map[routing.Leg]time.Time
	last     time.Time // the latest answer
	answered samples
	// The two requests inside that span, each on its own.
	ringReq, answerReq samples
}

func (c *answerClock) start(leg routing.Leg) {
	now := time.Now()
	c.mu.Lock()
	c.started[leg] = now
	c.mu.Unlock()
}

func (c *answerClock) answer(leg routing.Leg) {
	now := time.Now()
	c.mu.Lock()
	at, ok := c.started[leg]
	delete(c.started, leg)
	if now.After(c.last) {
		c.last = now
	}
	c.mu.Unlock()
	if ok {
		c.answered.add(now.Sub(at))
	}
}

func (c *answerClock) lastAnswer() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// samples collects durations from many goroutines.
type samples struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *samples) add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

func (s *samples) sorted() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.d)
	slices.Sort(out)
	return out
}

// quantile of sorted samples (nearest rank); 0 when there are none.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// pingLoop times GET /asterisk/ping through the same client, beside the
// calls, until ctx ends. Pings go out on the clock whether or not the last
// one has come back (up to maxPings at once), as calls arrive, so a stall
// delays pings in flight as it delays answers instead of hiding between
// samples.
func pingLoop(ctx context.Context, c *ari.Client, into *samples) {
	const maxPings = 64
	node := c.Nodes()[0]
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	inFlight := make(chan struct{}, maxPings)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		select {
		case inFlight <- struct{}{}:
		default:
			continue // a stall longer than maxPings ticks: the ones out measure it
		}
		wg.Go(func() {
			defer func() { <-inFlight }()
			start := time.Now()
			if _, err := c.Ping(ctx, node); err == nil {
				into.add(time.Since(start))
			}
		})
	}
}

// recordTap passes records on and watches each call summary for an answer
// later than S1 allows: rings_to_answer over 3 or answer_ms past the limit.
type recordTap struct {
	next  routing.Sink
	limit time.Duration

	mu       sync.Mutex
	answered int             // "answered" timeline events: one per call
	late     map[string]bool // call ids only, so the tap holds no per-call state
}

func (t *recordTap) Call(c record.Call) {
	if c.AnsweredAt != nil && isLate(c, t.limit) {
		t.mu.Lock()
		t.late[c.ID] = true
		t.mu.Unlock()
	}
	t.next.Call(c)
}

func (t *recordTap) Event(e record.Event) {
	if e.Type == "answered" {
		t.mu.Lock()
		t.answered++
		t.mu.Unlock()
	}
	t.next.Event(e)
}

func (t *recordTap) counts() (late, answered int, source string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.late), t.answered, "records as emitted"
}

func isLate(c record.Call, limit time.Duration) bool {
	return c.RingsToAnswer > routing.MaxRings || time.Duration(c.AnswerMS)*time.Millisecond > limit
}

// lateAnswers reads this run's answered calls back from the store.
func lateAnswers(ctx context.Context, st *postgres.Store, from time.Time, limit time.Duration) (late, answered int, err error) {
	err = st.EachCall(ctx, record.CallFilter{From: from}, func(c record.Call) error {
		if c.AnsweredAt == nil {
			return nil
		}
		answered++
		if isLate(c, limit) {
			late++
		}
		return nil
	})
	return late, answered, err
}

// discardSink is --db none: records are dropped, and the table says so.
type discardSink struct{}

func (discardSink) Call(record.Call)   {}
func (discardSink) Event(record.Event) {}

// loadAverage is the machine's 1-minute load average (NaN where the system
// does not tell): other work on the machine shows in every latency above.
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return math.NaN()
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// schedHist is the runtime's histogram of how long runnable goroutines
// waited for a thread: long waits mean the process did not get the CPU.
type schedHist struct {
	counts  []uint64
	buckets []float64 // seconds; len(counts)+1 boundaries
}

func schedLatencies() schedHist {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return schedHist{}
	}
	h := s[0].Value.Float64Histogram()
	return schedHist{counts: slices.Clone(h.Counts), buckets: h.Buckets}
}

// since is the histogram of the waits after earlier was read.
func (h schedHist) since(earlier schedHist) schedHist {
	if len(earlier.counts) != len(h.counts) {
		return h
	}
	out := schedHist{counts: make([]uint64, len(h.counts)), buckets: h.buckets}
	for i := range h.counts {
		out.counts[i] = h.counts[i] - earlier.counts[i]
	}
	return out
}

// quantile is the upper bound of the bucket holding quantile q.
func (h schedHist) quantile(q float64) time.Duration {
	var total uint64
	for _, c := range h.counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	want := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= want {
			up := h.buckets[i+1]
			if math.IsInf(up, 1) {
				up = h.buckets[i]
			}
			return time.Duration(up * float64(time.Second))
		}
	}
	return 0
}
