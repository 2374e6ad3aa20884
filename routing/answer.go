package routing

import (
	"fmt"
	"strings"
	"time"
)

// Cadence is a ringback cadence: the caller hears On of ring, Off of
// silence, repeated (S1).
type Cadence struct {
	Name string // "cn", "na"
	On   time.Duration
	Off  time.Duration
}

// The two cadences of S1.
var (
	CadenceCN = Cadence{Name: "cn", On: 1 * time.Second, Off: 4 * time.Second} // China: 5 s period
	CadenceNA = Cadence{Name: "na", On: 2 * time.Second, Off: 4 * time.Second} // North America: 6 s period
)

// Period is one ring cycle.
func (c Cadence) Period() time.Duration { return c.On + c.Off }

// MaxRings is S1's promise: picked up within three rings.
const MaxRings = 3

// HardLimit is the end of the third ring after ringing starts (S1, read
// strictly): 11 s for cn, 14 s for na. Nothing answers later than this.
func (c Cadence) HardLimit() time.Duration {
	return time.Duration(MaxRings-1)*c.Period() + c.On
}

// ParseCadence reads RING_CADENCE ("cn" or "na"; empty means cn).
func ParseCadence(s string) (Cadence, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "cn":
		return CadenceCN, nil
	case "na":
		return CadenceNA, nil
	}
	return Cadence{}, fmt.Errorf("RING_CADENCE %q: want cn or na", s)
}

// AnswerPolicy decides when the machine picks up (S1).
type AnswerPolicy struct {
	Cadence Cadence
	Ring    int // ANSWER_RING: answer during this ring, 1..3 (1 = at once)
}

// NewAnswerPolicy validates RING_CADENCE and ANSWER_RING.
func NewAnswerPolicy(cadence string, ring int) (AnswerPolicy, error) {
	c, err := ParseCadence(cadence)
	if err != nil {
		return AnswerPolicy{}, err
	}
	if ring < 1 || ring > MaxRings {
		return AnswerPolicy{}, fmt.Errorf("ANSWER_RING %d: S1 allows 1..%d (answer within three rings)", ring, MaxRings)
	}
	return AnswerPolicy{Cadence: c, Ring: ring}, nil
}

// Delay is how long to let it ring before answering: the start of ring N,
// (N-1) periods. It never exceeds the hard limit, even for a policy built
// by hand with a bad Ring or cadence; a zero cadence means cn.
func (p AnswerPolicy) Delay() time.Duration {
	c := p.Cadence
	if c.Period() <= 0 {
		c = CadenceCN
	}
	ring := p.Ring
	if ring < 1 {
		ring = 1
	}
	d := time.Duration(ring-1) * c.Period()
	if lim := c.HardLimit(); d > lim {
		d = lim
	}
	return d
}

// Limit is the hard limit of the policy's cadence (see Cadence.HardLimit).
func (p AnswerPolicy) Limit() time.Duration {
	c := p.Cadence
	if c.Period() <= 0 {
		c = CadenceCN
	}
	return c.HardLimit()
}

// RingsAt is the ring the caller is hearing (or last heard) elapsed after
// ringing started: 1 during the first period, 2 during the second...
// It is what goes into rings_to_answer for a measured answer.
func (c Cadence) RingsAt(elapsed time.Duration) int {
	if c.Period() <= 0 {
		c = CadenceCN
	}
	if elapsed < 0 {
		return 1
	}
	return int(elapsed/c.Period()) + 1
}
