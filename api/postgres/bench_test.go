package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

// writeBatch builds batch i of the write benchmark: size calls with five
// timeline events each, ids unique across batches.
func writeBatch(i, size int) ([]record.Call, []record.Event) {
	base := t0.Add(time.Duration(i*size) * time.Second)
	calls := make([]record.Call, size)
	events := make([]record.Event, 0, 5*size)
	for j := range calls {
		id := fmt.Sprintf("bench-%08d-%04d", i, j)
		c := sampleCall(id, base.Add(time.Duration(j)*time.Second))
		c.CallerNumber = fmt.Sprintf("+86138%08d", (i*size+j)%100000)
		calls[j] = c
		for k, typ := range []record.EventType{"arrived", "answered", "greeted", "transferred", "ended"} {
			events = append(events, record.Event{ID: fmt.Sprintf("%s-e%d", id, k), CallID: id,
				At: c.ArrivedAt.Add(time.Duration(k) * time.Second), Type: typ, StaffID: "s1",
				Data: []byte(`{"rule":"intent=order -> sales","rings":1}`)})
		}
	}
	return calls, events
}

const benchBatchSize = 500

// BenchmarkWriteCalls measures batched record writes: each iteration writes
// 500 calls and 2,500 events. "Store" is what UpsertCalls/AppendEvents do
// (one INSERT ... SELECT FROM unnest(arrays) per table); "PgxBatch" (one
// statement per row, pipelined) and "CopyTemp" (COPY into a temporary table,
// then INSERT ... ON CONFLICT) are the alternatives it was measured against.
func BenchmarkWriteCalls(b *testing.B) {
	for _, strategy := range []struct {
		name  string
		write func(ctx context.Context, st storeWriter, calls []record.Call, events []record.Event) error
	}{
		{"Store", writeStore},
		{"PgxBatch", writePgxBatch},
		{"CopyTemp", writeCopyTemp},
	} {
		b.Run(strategy.name, func(b *testing.B) {
			st := pgtest.NewStore(b)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				calls, events := writeBatch(i, benchBatchSize)
				if err := strategy.write(ctx, st, calls, events); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(i*benchBatchSize)/b.Elapsed().Seconds(), "calls/s")
			b.ReportMetric(float64(i*benchBatchSize*5)/b.Elapsed().Seconds(), "events/s")
		})
	}
	// The same on a cluster with fsync and synchronous commit on, as in
	// production (the test clusters trade durability for speed).
	b.Run("StoreDurable", func(b *testing.B) {
		if os.Getenv("DATABASE_URL") != "" {
			b.Skip("DATABASE_URL is set: no private cluster")
		}
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "callsvc-bench-")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		// Reachable by the server's user when we are root; a fixed dir
		// makes OpenPrivate's cluster durable.
		os.Chmod(dir, 0o755)
		st, stop, err := postgres.OpenPrivate(ctx, dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer stop()
		i := 0
		for b.Loop() {
			calls, events := writeBatch(i, benchBatchSize)
			if err := writeStore(ctx, st, calls, events); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(i*benchBatchSize)/b.Elapsed().Seconds(), "calls/s")
		b.ReportMetric(float64(i*benchBatchSize*5)/b.Elapsed().Seconds(), "events/s")
	})
	// The engine writes a call's summary several times as it progresses:
	// rewriting stored calls with a newer updated_at.
	b.Run("StoreRewrite", func(b *testing.B) {
		st := pgtest.NewStore(b)
		ctx := context.Background()
		calls, _ := writeBatch(0, benchBatchSize)
		if err := st.UpsertCalls(ctx, calls); err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			for j := range calls {
				calls[j].UpdatedAt = calls[j].UpdatedAt.Add(time.Second)
			}
			if err := st.UpsertCalls(ctx, calls); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(i*benchBatchSize)/b.Elapsed().Seconds(), "calls/s")
	})
}

type storeWriter interface {
	UpsertCalls(context.Context, []record.Call) error
	AppendEvents(context.Context, []record.Event) (int, error)
	Pool() *pgxPool
}

func writeStore(ctx context.Context, st storeWriter, calls []record.Call, events []record.Event) error {
	if err := st.UpsertCalls(ctx, calls); err != nil {
		return err
	}
	_, err := st.AppendEvents(ctx, events)
	return err
}

const benchUpsertOne = `INSERT INTO calls (id, node, channel_id, caller_number, caller_name, customer_id,
	dialed_number, language, intent, owner_staff_id, staff_ids, outcome, ended_by,
	arrived_at, answered_at, ended_at, rings_to_answer, answer_ms, talk_seconds,
	transferred, message_taken, notes, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
ON CONFLICT (id) DO UPDATE SET outcome = EXCLUDED.outcome, notes = EXCLUDED.notes, updated_at = EXCLUDED.updated_at
WHERE calls.updated_at < EXCLUDED.updated_at`

// The call_staff statements of UpsertCalls (calls.go), repeated for the
// alternatives measured against it.
const (
	benchCallStaffDelete = `DELETE FROM call_staff cs USING calls c
WHERE c.id = ANY ($1::text[]) AND cs.call_id = c.id
	AND NOT (cs.staff_id = ANY (c.staff_ids) AND cs.arrived_at = c.arrived_at)`
	benchCallStaffInsert = `INSERT INTO call_staff (staff_id, arrived_at, call_id)
SELECT s, c.arrived_at, c.id FROM calls c CROSS JOIN LATERAL unnest(c.staff_ids) AS s
WHERE c.id = ANY ($1::text[]) ON CONFLICT DO NOTHING`
)

func callRow(c record.Call) []any {
	staff := c.StaffIDs
	if staff == nil {
		staff = []string{}
	}
	return []any{c.ID, c.Node, c.ChannelID, c.CallerNumber, c.CallerName, c.CustomerID, c.DialedNumber,
		c.Language, c.Intent, c.OwnerStaffID, staff, c.Outcome, c.EndedBy, c.ArrivedAt, c.AnsweredAt,
		c.EndedAt, c.RingsToAnswer, c.AnswerMS, c.TalkSeconds, c.Transferred, c.MessageTaken, c.Notes, c.UpdatedAt}
}

func writePgxBatch(ctx context.Context, st storeWriter, calls []record.Call, events []record.Event) error {
	var batch pgx.Batch
	for _, c := range calls {
		batch.Queue(benchUpsertOne, callRow(c)...)
	}
	// call_staff kept in step as UpsertCalls does, so the comparison is fair.
	ids := make([]string, len(calls))
	for i, c := range calls {
		ids[i] = c.ID
	}
	batch.Queue(benchCallStaffDelete, ids)
	batch.Queue(benchCallStaffInsert, ids)
	for _, e := range events {
		batch.Queue(`INSERT INTO call_events (id, call_id, at, type, staff_id, data) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (id) DO NOTHING`, e.ID, e.CallID, e.At, e.Type, e.StaffID, string(e.Data))
	}
	return st.Pool().SendBatch(ctx, &batch).Close()
}

func writeCopyTemp(ctx context.Context, st storeWriter, calls []record.Call, events []record.Event) error {
	return pgx.BeginFunc(ctx, st.Pool(), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TEMP TABLE calls_in (LIKE calls) ON COMMIT DROP;
			CREATE TEMP TABLE events_in (LIKE call_events) ON COMMIT DROP`)
		if err != nil {
			return err
		}
		cols := []string{"id", "node", "channel_id", "caller_number", "caller_name", "customer_id",
			"dialed_number", "language", "intent", "owner_staff_id", "staff_ids", "outcome", "ended_by",
			"arrived_at", "answered_at", "ended_at", "rings_to_answer", "answer_ms", "talk_seconds",
			"transferred", "message_taken", "notes", "updated_at"}
		rows := make([][]any, len(calls))
		for i, c := range calls {
			rows[i] = callRow(c)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"calls_in"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		evRows := make([][]any, len(events))
		for i, e := range events {
			evRows[i] = []any{e.ID, e.CallID, e.At, e.Type, e.StaffID, string(e.Data)}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events_in"}, []string{"id", "call_id", "at", "type", "staff_id", "data"},
			pgx.CopyFromRows(evRows)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO calls SELECT * FROM calls_in
			ON CONFLICT (id) DO UPDATE SET outcome = EXCLUDED.outcome, updated_at = EXCLUDED.updated_at
			WHERE calls.updated_at < EXCLUDED.updated_at;
			INSERT INTO call_events SELECT * FROM events_in ON CONFLICT (id) DO NOTHING`)
		if err != nil {
			return err
		}
		ids := make([]string, len(calls))
		for i, c := range calls {
			ids[i] = c.ID
		}
		if _, err := tx.Exec(ctx, benchCallStaffDelete, ids); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, benchCallStaffInsert, ids)
		return err
	})
}

// BenchmarkCallLog measures call-log pages (List/..., limit 50, two filters)
// and S21 reports (Summary/...) on a seeded log of CALLSVC_BENCH_ROWS calls
// (default 20,000; set 1000000 for the goal of a page's p95 under 20 ms).
// CALLSVC_BENCH_EXPLAIN=1 logs each list query's plan.
func BenchmarkCallLog(b *testing.B) {
	rows := 20_000
	if v := os.Getenv("CALLSVC_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("CALLSVC_BENCH_ROWS=%q: want a positive number", v)
		}
		rows = n
	}
	st := pgtest.NewStore(b)
	ctx := context.Background()
	start := time.Now()
	seeded, err := pgtest.SeedCalls(ctx, st.Pool(), rows, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d calls in %v", rows, time.Since(start).Round(time.Millisecond))
	rng := rand.New(rand.NewPCG(7, 7))
	window := func(days int) (time.Time, time.Time) {
		span := int(seeded.To.Sub(seeded.From)/(24*time.Hour)) - days
		from := seeded.From.AddDate(0, 0, rng.IntN(span))
		return from, from.AddDate(0, 0, days)
	}
	staff := func() string { return seeded.StaffIDs[rng.IntN(len(seeded.StaffIDs))] }
	intents := []string{record.IntentDesk, record.IntentOrder, record.IntentComplaint, record.IntentGeneralManager}
	for _, tc := range []struct {
		name   string
		filter func() record.CallFilter
	}{
		{"Range30d+Intent", func() record.CallFilter {
			from, to := window(30)
			return record.CallFilter{From: from, To: to, Intent: intents[rng.IntN(len(intents))]}
		}},
		{"Staff+Outcome", func() record.CallFilter {
			return record.CallFilter{StaffID: staff(), Outcome: record.OutcomeConnected}
		}},
		{"Staff+Range90d", func() record.CallFilter {
			from, to := window(90)
			return record.CallFilter{StaffID: staff(), From: from, To: to}
		}},
		{"Caller+Range1y", func() record.CallFilter {
			from, to := window(365)
			return record.CallFilter{CallerNumber: seeded.CallerNumbers[rng.IntN(1000)], From: from, To: to}
		}},
		{"Intent+Outcome(rare)", func() record.CallFilter {
			return record.CallFilter{Intent: record.IntentGeneralManager, Outcome: record.OutcomeFailed}
		}},
		{"WithinRings+Intent", func() record.CallFilter {
			return record.CallFilter{WithinRings: 3, Intent: record.IntentComplaint}
		}},
		{"Text+Range90d", func() record.CallFilter {
			from, to := window(90)
			return record.CallFilter{Text: "refund", From: from, To: to}
		}},
		{"Text(rare)+Intent", func() record.CallFilter {
			return record.CallFilter{Text: fmt.Sprintf("order #%d", 10000+rng.IntN(90000)), Intent: record.IntentOrder}
		}},
	} {
		b.Run("List/"+tc.name, func(b *testing.B) {
			if os.Getenv("CALLSVC_BENCH_EXPLAIN") == "1" {
				explain(b, st.Pool(), st, tc.filter())
			}
			var lat []time.Duration
			for b.Loop() {
				f := tc.filter()
				f.Limit = 50
				t := time.Now()
				if _, err := st.ListCalls(ctx, f); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			reportLatency(b, lat)
		})
	}
	for _, tc := range []struct {
		name string
		days int
		by   string
	}{
		{"Month/ByDay", 30, record.ByDay},
		{"Month/ByStaff", 30, record.ByStaff},
		{"Year/ByMonth", 365, record.ByMonth},
	} {
		b.Run("Summary/"+tc.name, func(b *testing.B) {
			shanghai, err := time.LoadLocation("Asia/Shanghai")
			if err != nil {
				b.Skip(err)
			}
			var lat []time.Duration
			for b.Loop() {
				from, to := window(tc.days)
				t := time.Now()
				rows, err := st.Summary(ctx, record.SummaryQuery{From: from, To: to, By: tc.by, Location: shanghai})
				if err != nil || len(rows) == 0 {
					b.Fatalf("summary: %d rows, %v", len(rows), err)
				}
				lat = append(lat, time.Since(t))
			}
			reportLatency(b, lat)
		})
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50_ms")
	b.ReportMetric(ms(lat[(len(lat)*95)/100]), "p95_ms")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func explain(b *testing.B, pool *pgxPool, st interface {
	ListCallsQuery(record.CallFilter) (string, []any, error)
}, f record.CallFilter) {
	b.Helper()
	f.Limit = 50
	sql, args, err := st.ListCallsQuery(f)
	if err != nil {
		b.Fatal(err)
	}
	rows, err := pool.Query(context.Background(), "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+sql, args...)
	if err != nil {
		b.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s\n%s", sql[strings.Index(sql, "WHERE"):], strings.Join(lines, "\n"))
}

type pgxPool = pgxpool.Pool
