package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"callsvc/api/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// env is an environment of name, value pairs.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// benchRows are the figures callsvc-bench must print, whatever the run.
var benchRows = []string{
	"calls dialled / answered / failed",
	"setups/s achieved",
	"answer latency p50 / p90 / p99",
	"ring request p50 / p99",
	"answer request p50 / p99",
	"ARI round trip p50 / p99 (GET /asterisk/ping)",
	"answer p99 minus round trip p99",
	"answer p99 minus round trip p50",
	"peak concurrent calls held",
	"active calls at the plateau",
	"heap per active call (all, HeapInuse delta)",
	"of which the stand-in Asterisk",
	"of which callsvc (client, engine, writer)",
	"goroutine stacks per active call",
	"goroutines per active call (one is the driver's)",
	"calls answered after ring 3",
}

// runTinyBench runs a 20-call bench through run and returns its table.
func runTinyBench(t *testing.T, getenv func(string) string, db string, more ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	args := append([]string{"--rate", "20/s", "--duration", "1s", "--concurrent", "10", "--hold", "200ms", "--db", db}, more...)
	if err := run(ctx, args, getenv, &out, &errOut); err != nil {
		t.Fatalf("callsvc-bench: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	table := out.String()
	for _, name := range benchRows {
		if !strings.Contains(table, name) {
			t.Errorf("no %q row in:\n%s", name, table)
		}
	}
	// The bench prints figures; it does not hold them against goals.
	if head := strings.Fields(figure(t, table, "figure")); len(head) != 1 || head[0] != "value" || strings.Contains(table, "MISSED") {
		t.Errorf("the table judges its figures:\n%s", table)
	}
	t.Logf("\n%s", table)
	return table
}

// figure returns the value column of the row called name.
func figure(t *testing.T, table, name string) string {
	t.Helper()
	for _, line := range strings.Split(table, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), name); ok {
			return strings.TrimSpace(rest)
		}
	}
	t.Fatalf("no %q row in:\n%s", name, table)
	return ""
}

// Every call of a small run is answered and stored, none after ring 3
// (S1), and each latency figure counts every answer.
func TestBenchTwentyCallsIntoPostgres(t *testing.T) {
	table := runTinyBench(t, env("DATABASE_URL", pgtest.NewDB(t)), "url")
	if got := figure(t, table, "calls dialled / answered / failed"); !strings.HasPrefix(got, "20 / 20 / 0") {
		t.Errorf("dialled / answered / failed = %q, want 20 / 20 / 0", got)
	}
	if got := figure(t, table, "answer latency p50 / p90 / p99"); !strings.Contains(got, "(n=20)") {
		t.Errorf("answer latency = %q, want all 20 answers measured", got)
	}
	if got := figure(t, table, "calls answered after ring 3"); !strings.HasPrefix(got, "0 (of 20 answered, from the stored records)") {
		t.Errorf("answered after ring 3 = %q, want 0 of the 20 stored records", got)
	}
	if !strings.Contains(table, "records: DATABASE_URL") {
		t.Errorf("the table does not say where records went:\n%s", table)
	}
	rtt := figure(t, table, "ARI round trip p50 / p99 (GET /asterisk/ping)")
	if m := regexp.MustCompile(`\(n=(\d+)\)`).FindStringSubmatch(rtt); m == nil || m[1] == "0" {
		t.Errorf("ARI round trip = %q, want pings measured in the same run", rtt)
	}
	if got := figure(t, table, "active calls at the plateau"); got == "0" {
		t.Errorf("no call was active when the heap was measured")
	}
}

// --db none says plainly that records were thrown away, and still checks
// S1 from the records as the engine emitted them.
func TestBenchWithoutDatabaseSaysSo(t *testing.T) {
	table := runTinyBench(t, env(), "none")
	if !strings.Contains(table, "records: discarded (--db none)") {
		t.Errorf("the table does not say records were discarded:\n%s", table)
	}
	if got := figure(t, table, "calls answered after ring 3"); !strings.HasPrefix(got, "0 (of 20 answered, from the records as emitted)") {
		t.Errorf("answered after ring 3 = %q", got)
	}
}

// --answer-ring lets each call ring before the answer, as ANSWER_RING
// does for callsvc serve: every call sends a ring request first.
func TestBenchAnswerRingRingsFirst(t *testing.T) {
	table := runTinyBench(t, env(), "none", "--answer-ring", "2")
	if !strings.Contains(table, "answer policy: ring 2, cadence cn") {
		t.Errorf("the table does not name the answer policy:\n%s", table)
	}
	if got := figure(t, table, "ring request p50 / p99"); !strings.Contains(got, "(n=20)") {
		t.Errorf("ring request = %q, want one per call", got)
	}
	if got := figure(t, table, "calls answered after ring 3"); !strings.HasPrefix(got, "0 (of 20 answered") {
		t.Errorf("answered after ring 3 = %q", got)
	}
}

func TestBenchHelpListsFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, env(), &out, &errOut); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, flag := range []string{"-rate", "-concurrent", "-answer-ring", "-db"} {
		if !strings.Contains(errOut.String(), flag) {
			t.Errorf("-h does not list %s:\n%s", flag, errOut.String())
		}
	}
}

func TestBenchRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--rate", "fast"},
		{"--rate", "-5/s"},
		{"--duration", "0s"},
		{"--concurrent", "0"},
		{"--concurrent", "9223372036854775807"},
		{"--hold", "-1s"},
		{"--db", "mysql"},
		{"--answer-ring", "4"},
		{"--cadence", "eu"},
		{"extra"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, env(), &out, &errOut)
		if !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
		if errOut.Len() == 0 {
			t.Errorf("%v: nothing said on stderr", args)
		}
	}
}

func TestBenchDBURLNeedsDatabaseURL(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"--db", "url"}, env(), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("err = %v, want one naming DATABASE_URL", err)
	}
}

var rateCases = map[string]float64{"500": 500, "500/s": 500, " 2.5/s": 2.5}

func TestRateFlagReadsPerSecond(t *testing.T) {
	for in, want := range rateCases {
		var v float64
		if err := (rateFlag{&v}).Set(in); err != nil || v != want {
			t.Errorf("Set(%q) = %v, %v; want %v", in, v, err, want)
		}
	}
}

// Whatever is typed after --rate, it is refused with an error or read as a
// rate within bounds ("NaN" once slipped through).
func FuzzRateFlag(f *testing.F) {
	for in := range rateCases {
		f.Add(in)
	}
	for _, in := range []string{"fast", "-5/s", "0", "NaN", "Inf/s", "1e309", "1e-300/s", "/s", ""} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		v := -1.0
		if err := (rateFlag{&v}).Set(in); err != nil {
			if v != -1 {
				t.Fatalf("Set(%q) failed (%v) but changed the rate to %v", in, err, v)
			}
			return
		}
		if !(v >= minRate && v <= maxRate) {
			t.Fatalf("Set(%q) accepted %v", in, v)
		}
	})
}
