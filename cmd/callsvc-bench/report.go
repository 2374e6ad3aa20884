package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
	"time"
)

// benchResult is what one run measured.
type benchResult struct {
	o            options
	from         time.Time // a little before the first dial: the records of the run are newer
	recordsLabel string
	setupSpan    time.Duration // from the first dial to the last answer

	dialled, up, failed, peak int64
	answer, rtt               []time.Duration // sorted
	ringReq, answerReq        []time.Duration // sorted

	active        int
	base, plateau heapSnapshot

	late, recorded int
	lateSource     string

	load  [2]float64 // 1-minute load average before and after dialling
	sched schedHist  // goroutines' wait to run while dialling
}

func (r benchResult) print(w io.Writer) {
	p := r.o.policy
	fmt.Fprintf(w, "callsvc-bench: stand-in Asterisk in this process (loopback), the real ARI client and the engine\n")
	fmt.Fprintf(w, "records: %s\n", r.recordsLabel)
	fmt.Fprintf(w, "offered: %.0f calls/s for %s, each answered caller held %s, about %d at once; answer policy: ring %d, cadence %s (limit %s)\n\n",
		r.o.rate, r.o.duration, r.o.hold, r.o.concurrent, p.Ring, p.Cadence.Name, p.Limit())

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tvalue")
	row := func(name, value string) { fmt.Fprintf(tw, "%s\t%s\n", name, value) }
	// Answers over the time from the first dial to the last answer: a
	// system that falls behind stretches the span.
	setups := 0.0
	if r.setupSpan > 0 {
		setups = float64(r.up) / r.setupSpan.Seconds()
	}
	row("calls dialled / answered / failed", fmt.Sprintf("%d / %d / %d", r.dialled, r.up, r.failed))
	row("setups/s achieved", fmt.Sprintf("%.1f", setups))
	a50, a90, a99 := quantile(r.answer, .5), quantile(r.answer, .9), quantile(r.answer, .99)
	row("answer latency p50 / p90 / p99", fmt.Sprintf("%s / %s / %s (n=%d)", ms(a50), ms(a90), ms(a99), len(r.answer)))
	ring := "none sent (answered at once)"
	if len(r.ringReq) > 0 {
		ring = fmt.Sprintf("%s / %s (n=%d)", ms(quantile(r.ringReq, .5)), ms(quantile(r.ringReq, .99)), len(r.ringReq))
	}
	row("  ring request p50 / p99", ring)
	row("  answer request p50 / p99", fmt.Sprintf("%s / %s", ms(quantile(r.answerReq, .5)), ms(quantile(r.answerReq, .99))))
	p50, p99 := quantile(r.rtt, .5), quantile(r.rtt, .99)
	row("ARI round trip p50 / p99 (GET /asterisk/ping)", fmt.Sprintf("%s / %s (n=%d)", ms(p50), ms(p99), len(r.rtt)))
	// Both percentiles are taken in the same run, so a loaded machine
	// weighs on both; the p50 comparison is the stricter reading.
	row("answer p99 minus round trip p99", ms(a99-p99))
	row("answer p99 minus round trip p50", ms(a99-p50))
	row("peak concurrent calls held", fmt.Sprint(r.peak))

	perCall, standIn, ours := r.perCall()
	row("active calls at the plateau", fmt.Sprint(r.active))
	row("heap per active call (all, HeapInuse delta)", kib(perCall))
	row("  of which the stand-in Asterisk", kib(standIn))
	row("  of which callsvc (client, engine, writer)", kib(ours))
	perActive := func(after, before int64) float64 { return float64(after-before) / float64(max(r.active, 1)) }
	// Stacks are not heap; they include the bench's own goroutine per
	// caller (the driver), which a real caller does not cost.
	row("goroutine stacks per active call", kib(perActive(int64(r.plateau.stack), int64(r.base.stack))))
	row("goroutines per active call (one is the driver's)", fmt.Sprintf("%.1f", perActive(int64(r.plateau.goroutines), int64(r.base.goroutines))))
	row("Go scheduling latency p99 while dialling", ms(r.sched.quantile(.99)))
	row("machine load average before / after", fmt.Sprintf("%.2f / %.2f (%d CPUs)", r.load[0], r.load[1], runtime.NumCPU()))
	row("calls answered after ring 3", fmt.Sprintf("%d (of %d answered, from the %s)", r.late, r.recorded, r.lateSource))
	tw.Flush()
	if r.busy() {
		fmt.Fprintf(w, "\nWARNING: the machine was busy (load above its CPUs, or goroutines waiting over %s to run):\n"+
			"the latencies above measure the machine as much as callsvc; run again when it is quiet.\n", ms(busySchedP99))
	}
	fmt.Fprintf(w, "\nanswer latency: the StasisStart handed to the engine -> the 204 of its POST /channels/{id}/answer (with --answer-ring above 1, after a ring request and the policy's wait).\n")
	fmt.Fprintf(w, "heap: HeapInuse after GC at the plateau minus before dialling, per active call; split by allocation stack from the heap profile (sampled, so approximate).\n")
}

// busySchedP99 is the Go scheduling latency past which a run's latencies
// say more about the machine than about callsvc: goroutines waiting this
// long for a thread dwarf the engine's own work on an answer.
const busySchedP99 = 5 * time.Millisecond

func (r benchResult) busy() bool {
	return r.load[1] > float64(runtime.NumCPU()) || r.sched.quantile(.99) > busySchedP99
}

// perCall is the heap growth per active call, and its split: the profile's
// shares applied to the HeapInuse growth.
func (r benchResult) perCall() (all, standIn, ours float64) {
	if r.active == 0 {
		return 0, 0, 0
	}
	all = (float64(r.plateau.inuse) - float64(r.base.inuse)) / float64(r.active)
	ds, do := r.plateau.standIn-r.base.standIn, r.plateau.ours-r.base.ours
	if ds+do <= 0 {
		return all, 0, all
	}
	share := max(0, min(1, ds/(ds+do)))
	return all, all * share, all * (1 - share)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }
