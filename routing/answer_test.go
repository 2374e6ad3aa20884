package routing

import (
	"testing"
	"time"
)

// S1: answer within three rings; the third ring ends at 11 s (cn) / 14 s (na).
func TestS1AnswerDelay(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cadence string
		ring    int
		delay   time.Duration
		limit   time.Duration
	}{
		{"CNRing1AnswersAtOnce", "cn", 1, 0, 11 * time.Second},
		{"CNRing2AfterOnePeriod", "cn", 2, 5 * time.Second, 11 * time.Second},
		{"CNRing3AfterTwoPeriods", "cn", 3, 10 * time.Second, 11 * time.Second},
		{"NARing1AnswersAtOnce", "na", 1, 0, 14 * time.Second},
		{"NARing2AfterOnePeriod", "na", 2, 6 * time.Second, 14 * time.Second},
		{"NARing3AfterTwoPeriods", "na", 3, 12 * time.Second, 14 * time.Second},
		{"EmptyCadenceIsCN", "", 1, 0, 11 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewAnswerPolicy(tc.cadence, tc.ring)
			if err != nil {
				t.Fatal(err)
			}
			if p.Delay() != tc.delay || p.Limit() != tc.limit {
				t.Fatalf("delay %v limit %v, want %v %v", p.Delay(), p.Limit(), tc.delay, tc.limit)
			}
			if p.Delay() > p.Limit() {
				t.Fatal("S1 broken: answers after the third ring")
			}
		})
	}
}

// S1: configuration that would break the promise is refused with a clear error.
func TestS1RejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cadence string
		ring    int
	}{
		{"RingZero", "cn", 0}, {"RingFour", "cn", 4}, {"RingNegative", "na", -1}, {"UnknownCadence", "uk", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewAnswerPolicy(tc.cadence, tc.ring); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// S1: a policy built by hand (bypassing NewAnswerPolicy) still never
// answers after the hard limit.
func TestS1HardLimitEnforcedOnBadPolicy(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    AnswerPolicy
		want time.Duration
	}{
		{"CNRingTen", AnswerPolicy{Cadence: CadenceCN, Ring: 10}, 11 * time.Second},
		{"NARingTen", AnswerPolicy{Cadence: CadenceNA, Ring: 10}, 14 * time.Second},
		{"ZeroPolicyAnswersAtOnce", AnswerPolicy{}, 0},
		{"ZeroCadenceRingFive", AnswerPolicy{Ring: 5}, 11 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.Delay(); got != tc.want {
				t.Fatalf("Delay = %v, want %v", got, tc.want)
			}
		})
	}
}

// S1: rings_to_answer from the measured time between ringing and answer.
func TestS1RingsToAnswer(t *testing.T) {
	for _, tc := range []struct {
		name    string
		c       Cadence
		elapsed time.Duration
		want    int
	}{
		{"CNImmediate", CadenceCN, 30 * time.Millisecond, 1},
		{"CNEndOfFirstPeriod", CadenceCN, 4999 * time.Millisecond, 1},
		{"CNSecondRing", CadenceCN, 5 * time.Second, 2},
		{"CNThirdRing", CadenceCN, 10500 * time.Millisecond, 3},
		{"CNFourthRingIsABreach", CadenceCN, 15 * time.Second, 4},
		{"NASecondRing", CadenceNA, 6 * time.Second, 2},
		{"NAStillSecondAt11s", CadenceNA, 11 * time.Second, 2},
		{"NegativeClockSkew", CadenceNA, -time.Second, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.RingsAt(tc.elapsed); got != tc.want {
				t.Fatalf("RingsAt(%v) = %d, want %d", tc.elapsed, got, tc.want)
			}
		})
	}
}
