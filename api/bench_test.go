package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/oklog/ulid/v2"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

// benchRows is the size of the seeded call log: CALLSVC_BENCH_ROWS, or a
// small default so an ordinary -bench run stays quick (the goal is stated
// for 1,000,000).
func benchRows(b *testing.B) int {
	rows := 20_000
	if v := os.Getenv("CALLSVC_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("CALLSVC_BENCH_ROWS=%q: want a positive number", v)
		}
		rows = n
	}
	return rows
}

// BenchmarkListCalls compares a call-log page (limit 50, two filters)
// through the whole HTTP API (auth, JSON, network) with the same SQL run
// directly through pgx, reporting p50/p95 of each and their ratios. The
// direct SQL runs two ways: reading raw column bytes (nothing decoded) and
// decoding rows into record.Call with rows.Scan. Goals:
// p95 under 20 ms at 1M calls; the API at most 1.3x the direct query.
func BenchmarkListCalls(b *testing.B) {
	st := pgtest.NewStore(b)
	ctx := context.Background()
	start := time.Now()
	seeded, err := pgtest.SeedCalls(ctx, st.Pool(), benchRows(b), 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d calls in %v", seeded.N, time.Since(start).Round(time.Millisecond))
	srv := apitest.NewOn(b, st, func(c *apitestConfig) { c.RateLimit = -1 })
	plain := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	token := srv.Tokens[record.RoleSupervisor]

	rng := rand.New(rand.NewPCG(7, 7))
	window := func(days int) (time.Time, time.Time) {
		span := int(seeded.To.Sub(seeded.From)/(24*time.Hour)) - days
		from := seeded.From.AddDate(0, 0, rng.IntN(span))
		return from, from.AddDate(0, 0, days)
	}
	intents := []string{record.IntentDesk, record.IntentOrder, record.IntentComplaint}
	for _, tc := range []struct {
		name   string
		filter func() record.CallFilter
	}{
		{"Range30d+Intent", func() record.CallFilter {
			from, to := window(30)
			return record.CallFilter{From: from, To: to, Intent: intents[rng.IntN(len(intents))]}
		}},
		{"Staff+Range90d", func() record.CallFilter {
			from, to := window(90)
			return record.CallFilter{StaffID: seeded.StaffIDs[rng.IntN(len(seeded.StaffIDs))], From: from, To: to}
		}},
		{"Caller+Range1y", func() record.CallFilter {
			from, to := window(365)
			return record.CallFilter{CallerNumber: seeded.CallerNumbers[rng.IntN(1000)], From: from, To: to}
		}},
	} {
		// The same 256 filters, in the same order, for both paths.
		filters := make([]record.CallFilter, 256)
		for i := range filters {
			filters[i] = tc.filter()
			filters[i].Limit = 50
		}
		// directOnce runs the API's SQL through the pool and reads the raw
		// column bytes without decoding them: the floor for any reader.
		directOnce := func(f record.CallFilter) time.Duration {
			sql, args, err := st.ListCallsQuery(f)
			if err != nil {
				b.Fatal(err)
			}
			t := time.Now()
			rows, err := st.Pool().Query(ctx, sql, args...)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				_ = rows.RawValues()
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			return time.Since(t)
		}
		// decodedOnce runs the same SQL and decodes every row into a
		// record.Call with rows.Scan, as any Go program reading the call
		// log would have to: the honest floor for an API that returns
		// decoded values.
		decodedOnce := func(f record.CallFilter) time.Duration {
			sql, args, err := st.ListCallsQuery(f)
			if err != nil {
				b.Fatal(err)
			}
			t := time.Now()
			rows, err := st.Pool().Query(ctx, sql, args...)
			if err != nil {
				b.Fatal(err)
			}
			calls := make([]record.Call, 0, f.Limit+1)
			for rows.Next() {
				var c record.Call
				if err := rows.Scan(&c.ID, &c.Node, &c.ChannelID, &c.CallerNumber, &c.CallerName, &c.CustomerID,
					&c.DialedNumber, &c.Language, &c.Intent, &c.OwnerStaffID, &c.StaffIDs, &c.Outcome, &c.EndedBy,
					&c.ArrivedAt, &c.AnsweredAt, &c.EndedAt, &c.RingsToAnswer, &c.AnswerMS, &c.TalkSeconds,
					&c.Transferred, &c.MessageTaken, &c.Notes, &c.UpdatedAt); err != nil {
					b.Fatal(err)
				}
				calls = append(calls, c)
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t)
			checkCallColumns(b, rows.FieldDescriptions())
			return d
		}
		apiOnce := func(f record.CallFilter) time.Duration {
			u := srv.URL + "/v1/calls?" + callQuery(f).Encode()
			t := time.Now()
			req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := plain.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || n == 0 {
				b.Fatalf("GET %s: %d", u, resp.StatusCode)
			}
			return time.Since(t)
		}
		// Each iteration runs one filter all three ways, rotating which goes
		// first, so all see the same cache state and the same machine load.
		b.Run(tc.name, func(b *testing.B) {
			for _, f := range filters[:32] { // warm connections, token cache, buffers
				directOnce(f)
				decodedOnce(f)
				apiOnce(f)
			}
			var direct, decoded, viaAPI []time.Duration
			i := 0
			for b.Loop() {
				f := filters[i%len(filters)]
				for k := range 3 {
					switch (i + k) % 3 {
					case 0:
						direct = append(direct, directOnce(f))
					case 1:
						decoded = append(decoded, decodedOnce(f))
					default:
						viaAPI = append(viaAPI, apiOnce(f))
					}
				}
				i++
			}
			b.ReportMetric(ms(pct(direct, 50)), "direct_p50_ms")
			b.ReportMetric(ms(pct(direct, 95)), "direct_p95_ms")
			b.ReportMetric(ms(pct(decoded, 50)), "decoded_p50_ms")
			b.ReportMetric(ms(pct(decoded, 95)), "decoded_p95_ms")
			b.ReportMetric(ms(pct(viaAPI, 50)), "api_p50_ms")
			b.ReportMetric(ms(pct(viaAPI, 95)), "api_p95_ms")
			b.ReportMetric(ms(pct(viaAPI, 50))/ms(pct(direct, 50)), "p50_ratio")
			b.ReportMetric(ms(pct(viaAPI, 95))/ms(pct(direct, 95)), "p95_ratio")
			b.ReportMetric(ms(pct(viaAPI, 50))/ms(pct(decoded, 50)), "p50_ratio_decoded")
			b.ReportMetric(ms(pct(viaAPI, 95))/ms(pct(decoded, 95)), "p95_ratio_decoded")
		})
	}
}

// callColumnOrder is the column order decodedOnce scans in; the query must
// return exactly these, or the comparison would decode something else.
var callColumnOrder = []string{"id", "node", "channel_id", "caller_number", "caller_name", "customer_id",
	"dialed_number", "language", "intent", "owner_staff_id", "staff_ids", "outcome", "ended_by",
	"arrived_at", "answered_at", "ended_at", "rings_to_answer", "answer_ms", "talk_seconds",
	"transferred", "message_taken", "notes", "updated_at"}

func checkCallColumns(b *testing.B, fields []pgconn.FieldDescription) {
	b.Helper()
	if len(fields) != len(callColumnOrder) {
		b.Fatalf("call log query returns %d columns, the decoded path scans %d", len(fields), len(callColumnOrder))
	}
	for i, f := range fields {
		if f.Name != callColumnOrder[i] {
			b.Fatalf("column %d is %s, the decoded path scans %s", i, f.Name, callColumnOrder[i])
		}
	}
}

// callQuery is f as the API's query string.
func callQuery(f record.CallFilter) url.Values {
	q := url.Values{"limit": {strconv.Itoa(f.Limit)}}
	if !f.From.IsZero() {
		q.Set("from", f.From.Format(time.RFC3339))
		q.Set("to", f.To.Format(time.RFC3339))
	}
	for name, v := range map[string]string{"staff_id": f.StaffID, "caller": f.CallerNumber, "intent": f.Intent} {
		if v != "" {
			q.Set(name, v)
		}
	}
	return q
}

func pct(lat []time.Duration, p int) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkWriteCallsAPI writes batches of 500 calls with 5 events each
// through the API (one POST /v1/calls and one POST /v1/events per batch),
// as the engine's client does, and reports calls per second.
func BenchmarkWriteCallsAPI(b *testing.B) {
	srv := apitest.New(b, func(c *apitestConfig) { c.RateLimit = -1 })
	plain := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	token := srv.Tokens[record.RoleService]
	post := func(path string, v any) {
		body, err := json.Marshal(v)
		if err != nil {
			b.Fatal(err)
		}
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := plain.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("POST %s: %d %s", path, resp.StatusCode, msg)
		}
	}
	const batch = 500
	base := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	n := 0
	start := time.Now()
	for b.Loop() {
		calls := make([]record.Call, batch)
		events := make([]record.Event, 0, batch*5)
		for i := range calls {
			n++
			at := base.Add(time.Duration(n) * time.Millisecond)
			c := answeredCall(n, at, 1+n%3, staffA)
			c.ID = ulid.Make().String()
			calls[i] = c
			for k := range 5 {
				events = append(events, record.Event{
					ID: ulid.Make().String(), CallID: c.ID, At: at.Add(time.Duration(k) * time.Second),
					Type: record.EventAwayChoice, Data: json.RawMessage(fmt.Sprintf(`{"digit":"","attempt":%d}`, k+1)),
				})
			}
		}
		post("/v1/calls", calls)
		post("/v1/events", events)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "calls/s")
}

type apitestConfig = api.Config
