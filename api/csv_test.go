package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

func TestCSVExportRoundTripsChineseAndGuardsFormulas(t *testing.T) {
	t.Parallel()
	// Flush every 2 rows, so the export crosses many flushes.
	srv := apitest.New(t, func(c *api.Config) { c.CSVFlushRows = 2 })
	var calls []record.Call
	names := []string{"張三", "王小明, 經理", `李"老四"`, "=HYPERLINK(\"http://x\")", "@SUM(A1)", "-2+3", "趙\r\n錢孫李"}
	for i, name := range names {
		c := answeredCall(i, t0.Add(time.Duration(i)*time.Minute), 2, staffA, staffB)
		c.CallerName = strings.ReplaceAll(name, "\r\n", " ") // a name is one line: control characters are refused
		c.Notes = "備註：" + name                               // notes may break lines
		calls = append(calls, c)
	}
	srv.Write(t, "/v1/calls", calls)

	r := srv.Do(t, "GET", "/v1/calls.csv?staff_id="+staffB, record.RoleSupervisor, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET csv: %d %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body, ok := bytes.CutPrefix(r.Body, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatal("no UTF-8 byte order mark")
	}
	// Every record ends with CRLF (a bare LF only appears inside a quoted cell).
	if !bytes.HasSuffix(body, []byte("\r\n")) || bytes.Count(body, []byte("\r\n")) < len(calls)+1 {
		t.Error("lines do not end with CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("parse csv: %v", err)
	}
	if len(rows) != len(calls)+1 {
		t.Fatalf("%d rows, want header + %d", len(rows), len(calls))
	}
	header := rows[0]
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %v", name, header)
		return -1
	}
	guard := func(s string) string {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			return "'" + s
		}
		return s
	}
	// encoding/csv reads a line break inside a cell as LF, whichever way it
	// was written; Excel shows both as a line break.
	lf := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
	// Rows come newest first; compare every field we can reconstruct.
	for i, row := range rows[1:] {
		c := calls[len(calls)-1-i]
		want := map[string]string{
			"id": c.ID, "arrived_at": c.ArrivedAt.Format(time.RFC3339), "answered_at": c.AnsweredAt.Format(time.RFC3339),
			"caller_number": guard(c.CallerNumber), "caller_name": lf(guard(c.CallerName)), "notes": lf(c.Notes),
			"intent": c.Intent, "outcome": c.Outcome, "staff_ids": staffA + " " + staffB,
			"rings_to_answer": strconv.Itoa(c.RingsToAnswer), "talk_seconds": "90", "transferred": "false",
		}
		got := map[string]string{}
		for name := range want {
			got[name] = row[col(name)]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", i, diff)
		}
	}
	if rows[1][col("caller_number")] != "'+8613812345678" {
		t.Errorf("phone number cell %q, want it guarded as text", rows[1][col("caller_number")])
	}
}

func TestCSVExportOfAgentIsOwnCallsOnly(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	mine, theirs := answeredCall(1, t0, 1, srv.AgentID), answeredCall(2, t0.Add(time.Minute), 1, staffA)
	srv.Write(t, "/v1/calls", []record.Call{mine, theirs})
	r := srv.Do(t, "GET", "/v1/calls.csv", record.RoleAgent, nil)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil || r.Status != http.StatusOK {
		t.Fatalf("GET csv: %d %v", r.Status, err)
	}
	if len(rows) != 2 || rows[1][0] != mine.ID {
		t.Errorf("agent's export: %v, want only %s", rows, mine.ID)
	}
	if r := srv.Do(t, "GET", "/v1/calls.csv?staff_id="+staffA, record.RoleAgent, nil); r.Status != http.StatusForbidden {
		t.Errorf("agent exporting another's calls: %d", r.Status)
	}
}

func TestCSVExportEmptyHasHeaderOnly(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	r := srv.Do(t, "GET", "/v1/calls.csv", record.RoleSupervisor, nil)
	if r.Status != http.StatusOK || !bytes.HasPrefix(r.Body, []byte("\xEF\xBB\xBFid,arrived_at,")) || bytes.Count(r.Body, []byte("\r\n")) != 1 {
		t.Errorf("empty export: %d %q", r.Status, r.Body)
	}
}

// TestCSVExportStreamsManyRows exports a seeded log of thousands of calls,
// flushed every 100 rows, and checks every row arrives once, newest first.
func TestCSVExportStreamsManyRows(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	const n = 5000
	if _, err := pgtest.SeedCalls(context.Background(), st.Pool(), n, 3); err != nil {
		t.Fatal(err)
	}
	srv := apitest.NewOn(t, st, func(c *api.Config) { c.CSVFlushRows = 100 })
	r := srv.Do(t, "GET", "/v1/calls.csv", record.RoleSupervisor, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET csv: %d", r.Status)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatalf("parse csv: %v", err)
	}
	if len(rows) != n+1 {
		t.Fatalf("%d rows, want header + %d", len(rows), n)
	}
	seen := map[string]bool{}
	prev := ""
	for _, row := range rows[1:] {
		id, arrived := row[0], row[1]
		if seen[id] {
			t.Fatalf("call %s exported twice", id)
		}
		seen[id] = true
		key := arrived + " " + id
		if prev != "" && key > prev {
			t.Fatalf("rows out of order: %s after %s", key, prev)
		}
		prev = key
	}
}
