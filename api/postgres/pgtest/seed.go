package pgtest

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// Seeded describes the data SeedCalls wrote, so benchmarks can pick filter
// values that exist.
type Seeded struct {
	N        int
	From, To time.Time // every call arrived in [From, To)
	// StaffIDs are the seeded staff members (extensions 3001...).
	StaffIDs []string
	// CallerNumbers are the numbers calls came from; callers near the start
	// of the list call more often.
	CallerNumbers []string
}

// Shape of the seeded call log.
const (
	seedStaff   = 50
	seedCallers = 100_000
	seedYears   = 3
)

// SeedEnd is the end of the seeded period: fixed, so a seed always gives
// the same rows.
var SeedEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// SeedCalls bulk-loads n calls (COPY) with a realistic shape: three years
// ending at SeedEnd, mostly in business hours (China time), 50 staff, 100,000
// caller numbers with repeat callers, intents and outcomes mixed, a quarter
// with notes. The same seed gives the same rows. It also writes the 50 staff
// members (skipping ones already there) and VACUUMs and ANALYZEs calls.
func SeedCalls(ctx context.Context, pool *pgxpool.Pool, n int, seed uint64) (Seeded, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s := Seeded{N: n, To: SeedEnd, From: SeedEnd.AddDate(-seedYears, 0, 0)}
	for i := range seedStaff {
		s.StaffIDs = append(s.StaffIDs, fmt.Sprintf("seed-staff-%02d", i+1))
	}
	for i := range seedCallers {
		// Mobile numbers (prefixes 130..189) with distinct subscriber parts.
		s.CallerNumbers = append(s.CallerNumbers, fmt.Sprintf("+861%02d%08d", 30+i%60, (i*7919)%100_000_000))
	}
	_, err := pool.Exec(ctx, `INSERT INTO staff (id, name, extension, endpoint, department)
		SELECT id, 'Seed ' || id, 3000 + n, 'PJSIP/' || (3000 + n), 'desk'
		FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n)
		ON CONFLICT DO NOTHING`, s.StaffIDs)
	if err != nil {
		return s, fmt.Errorf("seed staff: %w", err)
	}
	g := &callGen{rng: rng, s: &s, span: s.To.Sub(s.From)}
	i := 0
	_, err = pool.CopyFrom(ctx, pgx.Identifier{"calls"}, seedColumns, pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		i++
		return g.next(), nil
	}))
	if err != nil {
		return s, fmt.Errorf("seed calls: copy: %w", err)
	}
	// COPY bypasses UpsertCalls, which keeps call_staff in step: fill it here.
	if _, err := pool.Exec(ctx, `INSERT INTO call_staff (staff_id, arrived_at, call_id)
		SELECT DISTINCT s, c.arrived_at, c.id FROM calls c CROSS JOIN LATERAL unnest(c.staff_ids) AS s
		ON CONFLICT DO NOTHING`); err != nil {
		return s, fmt.Errorf("seed calls: call_staff: %w", err)
	}
	// VACUUM sets hint bits and the visibility map, as autovacuum would have
	// long since on a real three-year log, so reads measure steady state.
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) calls, call_staff"); err != nil {
		return s, fmt.Errorf("seed calls: vacuum: %w", err)
	}
	return s, nil
}

var seedColumns = []string{"id", "node", "channel_id", "caller_number", "caller_name", "dialed_number",
	"language", "intent", "owner_staff_id", "staff_ids", "outcome", "ended_by", "arrived_at", "answered_at",
	"ended_at", "rings_to_answer", "answer_ms", "talk_seconds", "transferred", "message_taken", "notes", "updated_at"}

type weighted struct {
	v string
	w float64 // share, summing to 1 over a list
}

var (
	seedIntents = []weighted{
		{record.IntentDesk, .35}, {record.IntentOrder, .25}, {record.IntentPerson, .15},
		{record.IntentComplaint, .10}, {record.IntentSuggestion, .05}, {record.IntentGeneralManager, .02}, {"", .08},
	}
	seedOutcomes = []weighted{
		{record.OutcomeCompleted, .40}, {record.OutcomeConnected, .30}, {record.OutcomeTransferred, .08},
		{record.OutcomeMessageTaken, .08}, {record.OutcomeAbandoned, .07}, {record.OutcomeCallbackRequested, .04},
		{record.OutcomeCallerHungUp, .02}, {record.OutcomeFailed, .01},
	}
	seedNotes = []string{
		"asked about order #%d", "complaint about late delivery of order #%d", "wants a callback tomorrow morning (ref %d)",
		"invoice copy requested for order #%d", "return of damaged goods, order #%d", "price inquiry for bulk purchase of %d units",
		"refund processed for order #%d", "new customer, sent catalogue (lead %d)",
	}
)

func pick(rng *rand.Rand, list []weighted) string {
	r := rng.Float64()
	for _, x := range list {
		if r -= x.w; r < 0 {
			return x.v
		}
	}
	return list[len(list)-1].v
}

type callGen struct {
	rng  *rand.Rand
	s    *Seeded
	span time.Duration
}

func (g *callGen) next() []any {
	rng := g.rng
	// Most calls in business hours: 08:00-20:00 China time is 00:00-12:00 UTC.
	day := g.s.From.Add(time.Duration(rng.IntN(int(g.span/(24*time.Hour)))) * 24 * time.Hour)
	var tod time.Duration
	if rng.Float64() < 0.9 {
		tod = time.Duration(rng.Int64N(int64(12 * time.Hour)))
	} else {
		tod = time.Duration(rng.Int64N(int64(24 * time.Hour)))
	}
	arrived := day.Add(tod).Truncate(time.Microsecond)
	// Repeat callers: the square skews draws towards the start of the list.
	caller := g.s.CallerNumbers[int(math.Pow(rng.Float64(), 2)*float64(len(g.s.CallerNumbers)))]
	intent, outcome := pick(rng, seedIntents), pick(rng, seedOutcomes)

	var (
		answered, ended     *time.Time
		rings, answerMS     int32
		talk                int32
		staff               = []string{}
		owner, endedBy      = "", "caller"
		transferred, msgTkn bool
	)
	if outcome != record.OutcomeAbandoned {
		r := rng.Float64()
		switch {
		case r < .80:
			rings = 1
		case r < .92:
			rings = 2
		case r < .98:
			rings = 3
		default:
			rings = 4
		}
		answerMS = (rings-1)*5000 + int32(rng.IntN(4000)) + 300
		a := arrived.Add(time.Duration(answerMS) * time.Millisecond)
		answered = &a
		talk = int32(20 + rng.IntN(600))
	}
	end := arrived.Add(time.Duration(answerMS)*time.Millisecond + time.Duration(talk)*time.Second + 5*time.Second)
	ended = &end
	switch outcome {
	case record.OutcomeConnected, record.OutcomeTransferred, record.OutcomeMessageTaken, record.OutcomeCallbackRequested:
		owner = g.s.StaffIDs[rng.IntN(len(g.s.StaffIDs))]
		staff = append(staff, owner)
		if outcome == record.OutcomeTransferred {
			transferred = true
			if other := g.s.StaffIDs[rng.IntN(len(g.s.StaffIDs))]; other != owner {
				staff = append(staff, other)
			}
		}
		msgTkn = outcome == record.OutcomeMessageTaken
	case record.OutcomeCompleted:
		if rng.Float64() < .5 { // the desk person handled it
			owner = g.s.StaffIDs[rng.IntN(len(g.s.StaffIDs))]
			staff = append(staff, owner)
		}
		endedBy = "staff"
	}
	notes := ""
	if rng.Float64() < .25 {
		notes = fmt.Sprintf(seedNotes[rng.IntN(len(seedNotes))], 10000+rng.IntN(90000))
	}
	var id ulid.ULID
	id.SetTime(ulid.Timestamp(arrived))
	var entropy [10]byte
	binary.BigEndian.PutUint64(entropy[:8], rng.Uint64())
	binary.BigEndian.PutUint16(entropy[8:], uint16(rng.Uint32()))
	id.SetEntropy(entropy[:])
	ids := id.String()
	return []any{ids, "pbx1", "pbx1-" + ids, caller, "", "4008001234", "zh", intent, owner, staff, outcome,
		endedBy, arrived, answered, ended, rings, answerMS, talk, transferred, msgTkn, notes, end}
}
