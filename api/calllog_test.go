package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

const (
	staffA = "01JSTAFFA00000000000000000"
	staffB = "01JSTAFFB00000000000000000"
)

// callLog is a varied day of calls, written through the API.
func callLog(t *testing.T, srv *apitest.Server, agent string) []record.Call {
	t.Helper()
	intents := []string{record.IntentOrder, record.IntentComplaint, record.IntentSuggestion, record.IntentDesk}
	var calls []record.Call
	for i := range 60 {
		at := t0.Add(time.Duration(i) * 7 * time.Minute)
		if i%10 == 3 {
			at = t0.Add(time.Duration(i-1) * 7 * time.Minute) // ties on arrived_at
		}
		staff := []string{staffA}
		switch i % 3 {
		case 1:
			staff = []string{staffB}
		case 2:
			staff = []string{staffA, agent}
		}
		c := answeredCall(i, at, 1+i%4, staff...)
		c.Intent = intents[i%len(intents)]
		c.CallerNumber = fmt.Sprintf("+86138000000%02d", i%7)
		if i%5 == 0 {
			c.Outcome, c.AnsweredAt, c.RingsToAnswer, c.AnswerMS, c.StaffIDs, c.OwnerStaffID = record.OutcomeAbandoned, nil, 0, 0, nil, ""
		}
		if i%4 == 1 {
			c.Notes = fmt.Sprintf("第%d號訂單 延遲送貨", i)
		}
		calls = append(calls, c)
	}
	for start := 0; start < len(calls); start += 25 {
		batch := calls[start:min(start+25, len(calls))]
		srv.Write(t, "/v1/calls", batch)
	}
	return calls
}

// newestFirst is the call log's order.
func newestFirst(calls []record.Call) []string {
	s := slices.Clone(calls)
	slices.SortFunc(s, func(a, b record.Call) int {
		if c := b.ArrivedAt.Compare(a.ArrivedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	ids := make([]string, len(s))
	for i, c := range s {
		ids[i] = c.ID
	}
	return ids
}

// listAll pages through /v1/calls?query with the given page size.
func listAll(t *testing.T, srv *apitest.Server, role, query string, limit int) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		q.Set("limit", fmt.Sprint(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := srv.Do(t, "GET", "/v1/calls?"+q.Encode(), role, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET /v1/calls?%s: %d %s", q.Encode(), r.Status, r.Body)
		}
		var page record.CallPage
		r.Decode(t, &page)
		if len(page.Calls) > limit {
			t.Fatalf("page of %d calls, limit %d", len(page.Calls), limit)
		}
		for _, c := range page.Calls {
			ids = append(ids, c.ID)
		}
		if page.NextCursor == "" {
			return ids
		}
		cursor = page.NextCursor
	}
}

func TestListCallsFilters(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	calls := callLog(t, srv, srv.AgentID)
	answered := func(c record.Call) bool { return c.AnsweredAt != nil }
	for _, tc := range []struct {
		name  string
		query string
		keep  func(record.Call) bool
	}{
		{"All", "", func(record.Call) bool { return true }},
		{"TimeRange", "from=" + t0.Add(time.Hour).Format(time.RFC3339) + "&to=" + t0.Add(3*time.Hour).Format(time.RFC3339),
			func(c record.Call) bool {
				return !c.ArrivedAt.Before(t0.Add(time.Hour)) && c.ArrivedAt.Before(t0.Add(3*time.Hour))
			}},
		{"CallerInNationalNotation", "caller=" + url.QueryEscape("138-0000-0003"),
			func(c record.Call) bool { return c.CallerNumber == "+8613800000003" }},
		{"Staff", "staff_id=" + staffB, func(c record.Call) bool { return slices.Contains(c.StaffIDs, staffB) }},
		{"Intent", "intent=complaint", func(c record.Call) bool { return c.Intent == record.IntentComplaint }},
		{"Outcome", "outcome=abandoned", func(c record.Call) bool { return c.Outcome == record.OutcomeAbandoned }},
		{"WithinOneRing", "within_rings=1", func(c record.Call) bool { return answered(c) && c.RingsToAnswer <= 1 }},
		{"WithinThreeRings", "within_rings=3", func(c record.Call) bool { return answered(c) && c.RingsToAnswer <= 3 }},
		{"TextInNotes", "q=" + url.QueryEscape("延遲"), func(c record.Call) bool { return strings.Contains(c.Notes, "延遲") }},
		{"TwoFilters", "intent=order&staff_id=" + staffA,
			func(c record.Call) bool { return c.Intent == record.IntentOrder && slices.Contains(c.StaffIDs, staffA) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []record.Call
			for _, c := range calls {
				if tc.keep(c) {
					want = append(want, c)
				}
			}
			if len(want) == 0 || (tc.name != "All" && len(want) == len(calls)) {
				t.Fatalf("fixture does not exercise the filter: %d of %d calls match", len(want), len(calls))
			}
			got := listAll(t, srv, record.RoleSupervisor, tc.query, 1000)
			if diff := cmp.Diff(newestFirst(want), got); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListCallsPagesLoseAndRepeatNothing(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	calls := callLog(t, srv, srv.AgentID)
	want := newestFirst(calls)
	for _, limit := range []int{1, 7, 50, 59, 60, 61} {
		got := listAll(t, srv, record.RoleSupervisor, "", limit)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("limit %d (-want +got):\n%s", limit, diff)
		}
	}
	// The default page is 50.
	r := srv.Do(t, "GET", "/v1/calls", record.RoleSupervisor, nil)
	var page record.CallPage
	r.Decode(t, &page)
	if len(page.Calls) != 50 || page.NextCursor == "" {
		t.Errorf("default page: %d calls, cursor %q", len(page.Calls), page.NextCursor)
	}
}

func TestAgentSeesOnlyOwnCalls(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	calls := callLog(t, srv, srv.AgentID)
	var own, other []record.Call
	for _, c := range calls {
		if slices.Contains(c.StaffIDs, srv.AgentID) {
			own = append(own, c)
		} else {
			other = append(other, c)
		}
	}
	if diff := cmp.Diff(newestFirst(own), listAll(t, srv, record.RoleAgent, "", 10)); diff != "" {
		t.Errorf("agent's list (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(newestFirst(own), listAll(t, srv, record.RoleAgent, "staff_id="+srv.AgentID, 10)); diff != "" {
		t.Errorf("agent's list by own staff id (-want +got):\n%s", diff)
	}
	if r := srv.Do(t, "GET", "/v1/calls?staff_id="+staffA, record.RoleAgent, nil); r.Status != http.StatusForbidden || r.ErrorCode() != record.EForbidden {
		t.Errorf("agent asking for another's calls: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/v1/calls/"+other[0].ID, record.RoleAgent, nil); r.Status != http.StatusNotFound {
		t.Errorf("agent GET another's call: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/v1/calls/"+own[0].ID, record.RoleAgent, nil); r.Status != http.StatusOK {
		t.Errorf("agent GET own call: %d %s", r.Status, r.Body)
	}
}

func TestReplaysAreIdempotent(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	c := answeredCall(1, t0, 1, staffA)
	c.Outcome = record.OutcomeInProgress
	c.UpdatedAt = t0.Add(time.Minute)
	later := c
	later.Outcome, later.UpdatedAt, later.Notes = record.OutcomeCompleted, t0.Add(5*time.Minute), "done"

	for i := range 2 { // the newer summary, sent twice
		if r := srv.Do(t, "PUT", "/v1/calls/"+c.ID, record.RoleService, later); r.Status != http.StatusOK {
			t.Fatalf("PUT #%d: %d %s", i, r.Status, r.Body)
		}
	}
	// The older summary arrives late (a replay from the spool): ignored.
	srv.Write(t, "/v1/calls", []record.Call{c})
	// A batch holding both versions keeps the newer.
	srv.Write(t, "/v1/calls", []record.Call{later, c})

	events := []record.Event{event(c.ID, 1, t0, "arrived", nil), event(c.ID, 2, t0.Add(time.Second), "answered", nil)}
	for i, want := range []int{2, 0, 0} {
		body := any(events)
		if i == 2 {
			body = append(events, events...) // repeated inside one batch
		}
		r := srv.Do(t, "POST", "/v1/events", record.RoleService, body)
		var wr api.WriteResult
		r.Decode(t, &wr)
		if r.Status != http.StatusOK || wr.Inserted == nil || *wr.Inserted != want {
			t.Errorf("events write #%d: %d %s, want inserted %d", i, r.Status, r.Body, want)
		}
	}

	r := srv.Do(t, "GET", "/v1/calls/"+c.ID, record.RoleSupervisor, nil)
	var got api.CallWithEvents
	r.Decode(t, &got)
	if diff := cmp.Diff(later, got.Call); diff != "" {
		t.Errorf("stored call (-want newest +got):\n%s", diff)
	}
	if len(got.Events) != 2 {
		t.Errorf("timeline has %d events, want 2", len(got.Events))
	}
}

func TestEventsAcrossCallsInOneBatch(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	a, b := answeredCall(1, t0, 1), answeredCall(2, t0.Add(time.Minute), 1)
	srv.Write(t, "/v1/calls", []record.Call{a, b})
	var batch []record.Event
	for i := range 5 {
		batch = append(batch, event(a.ID, i, t0.Add(time.Duration(i)*time.Second), record.EventAwayChoice, record.AwayChoiceData{Attempt: i + 1}))
		batch = append(batch, event(b.ID, 10+i, t0.Add(time.Minute+time.Duration(i)*time.Second), record.EventAwayChoice, nil))
	}
	srv.Write(t, "/v1/events", batch)
	for _, id := range []string{a.ID, b.ID} {
		var got api.CallWithEvents
		srv.Do(t, "GET", "/v1/calls/"+id, record.RoleSupervisor, nil).Decode(t, &got)
		if len(got.Events) != 5 {
			t.Errorf("call %s has %d events, want 5", id, len(got.Events))
		}
	}
}
