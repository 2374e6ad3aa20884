package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"callsvc/routing"
)

// options are the bench's flags.
type options struct {
	rate       float64 // call setups offered per second
	duration   time.Duration
	concurrent int           // callers to hold at once (the cap adds 100 ms of dialling)
	hold       time.Duration // how long an answered caller stays (in the greeting and menu)
	db         string        // private, url or none
	policy     routing.AnswerPolicy
	cpuProfile string // write a CPU profile of the run here
	mutexProf  string // write a mutex contention profile here
}

// Bounds of --rate and --concurrent.
const (
	minRate, maxRate = 0.001, 1e6
	maxConcurrent    = 1_000_000
)

// rateFlag reads "500" or "500/s".
type rateFlag struct{ v *float64 }

func (r rateFlag) String() string {
	if r.v == nil {
		return ""
	}
	return strconv.FormatFloat(*r.v, 'f', -1, 64) + "/s"
}

func (r rateFlag) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "/s"), 64)
	// The bounds keep the default hold (concurrent/rate) and the call
	// count (rate*duration) finite; NaN fails both comparisons.
	if err != nil || !(v >= minRate && v <= maxRate) {
		return fmt.Errorf("rate %q: want calls per second between %g and %g, e.g. 500/s", s, minRate, maxRate)
	}
	*r.v = v
	return nil
}

// parseOptions reads the flags; a bad one is reported on stderr and
// returned as errUsage, -h as flag.ErrHelp.
func parseOptions(args []string, stderr io.Writer) (options, error) {
	o := options{rate: 500}
	var ring int
	var cadence string
	fs := flag.NewFlagSet("callsvc-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(rateFlag{&o.rate}, "rate", "call setups offered per second (N or N/s)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long to keep dialling")
	fs.IntVar(&o.concurrent, "concurrent", 2000, "callers to hold in the call at once; callers in flight are capped at this plus 100 ms worth of dialling")
	fs.DurationVar(&o.hold, "hold", 0, "how long an answered caller stays on the line (default concurrent/rate)")
	fs.StringVar(&o.db, "db", "private", "records go to: private (a throwaway PostgreSQL), url (DATABASE_URL) or none (discarded)")
	fs.IntVar(&ring, "answer-ring", 1, "answer during this ring, 1..3 (as ANSWER_RING)")
	fs.StringVar(&cadence, "cadence", "cn", "ring cadence: cn or na (as RING_CADENCE)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.StringVar(&o.mutexProf, "mutexprofile", "", "write a mutex contention profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, errUsage
	}
	policy, err := routing.NewAnswerPolicy(cadence, ring)
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "callsvc-bench: unexpected argument %q\n", fs.Arg(0))
		return o, errUsage
	case o.duration <= 0 || o.concurrent <= 0 || o.concurrent > maxConcurrent || o.hold < 0:
		fmt.Fprintf(stderr, "callsvc-bench: --duration must be positive, --concurrent 1..%d, --hold not negative\n", maxConcurrent)
		return o, errUsage
	case o.db != "private" && o.db != "url" && o.db != "none":
		fmt.Fprintf(stderr, "callsvc-bench: --db %q: want private, url or none\n", o.db)
		return o, errUsage
	case err != nil:
		fmt.Fprintf(stderr, "callsvc-bench: --answer-ring %d --cadence %q: %v\n", ring, cadence, err)
		return o, errUsage
	}
	o.policy = policy
	if o.hold == 0 {
		o.hold = time.Duration(float64(o.concurrent) / o.rate * float64(time.Second))
	}
	return o, nil
}
