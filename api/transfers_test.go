package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// Without an engine in this process a transfer is 503, not a silent no-op.
func TestTransferWithoutEngineIsUnavailable(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	r := srv.Do(t, http.MethodPost, "/v1/calls/01JDQ7Z1V3G0S8M0X9T2C4B5N6/transfer", record.RoleSupervisor,
		map[string]string{"mode": "blind", "to_extension": "3001"})
	if r.Status != http.StatusServiceUnavailable || r.ErrorCode() != record.EUnavailable {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r = srv.Do(t, http.MethodPost, "/v1/calls/not-a-ulid/transfer", record.RoleSupervisor, map[string]string{"mode": "cancel"})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("bad id: %d %s", r.Status, r.Body)
	}
	r = srv.Do(t, http.MethodPost, "/v1/calls/01JDQ7Z1V3G0S8M0X9T2C4B5N6/transfer", record.RoleSupervisor, map[string]string{"mode": "blind"})
	if r.Status != http.StatusBadRequest || r.ErrorCode() != record.EInvalid {
		t.Fatalf("no target: %d %s", r.Status, r.Body)
	}
}

// A note on a call not live here lands on its stored timeline; an agent
// may note only their own calls (others look absent).
func TestNoteOnStoredCallGoesToTimeline(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	mine := answeredCall(1, t0, 1, srv.AgentID)
	other := answeredCall(2, t0, 1, "01JSTAFFZ00000000000000000")
	for _, c := range []record.Call{mine, other} {
		if r := srv.Do(t, http.MethodPut, "/v1/calls/"+c.ID, record.RoleService, c); r.Status != http.StatusOK {
			t.Fatalf("PUT: %d %s", r.Status, r.Body)
		}
	}
	r := srv.Do(t, http.MethodPost, "/v1/calls/"+mine.ID+"/notes", record.RoleAgent, map[string]string{"text": "回電: 明天上午"})
	var res api.NoteResult
	r.Decode(t, &res)
	if r.Status != http.StatusOK || res.Live || res.CallID != mine.ID {
		t.Fatalf("note: %d %s", r.Status, r.Body)
	}
	r = srv.Do(t, http.MethodPost, "/v1/calls/"+other.ID+"/notes", record.RoleAgent, map[string]string{"text": "x"})
	if r.Status != http.StatusNotFound {
		t.Fatalf("agent noted someone else's call: %d", r.Status)
	}
	r = srv.Do(t, http.MethodGet, "/v1/calls/"+mine.ID, record.RoleSupervisor, nil)
	var got api.CallWithEvents
	r.Decode(t, &got)
	found := false
	for _, e := range got.Events {
		if e.Type == "note_added" && e.StaffID == srv.AgentID && strings.Contains(string(e.Data), "回電: 明天上午") {
			found = true
		}
	}
	if !found {
		t.Fatalf("note not on the timeline: %+v", got.Events)
	}
}

// The screen-pop stream serves stored events in order as SSE, resumes
// after Last-Event-ID (or ?last_event_id=), and refuses an agent another's.
func TestAgentEventStreamResumes(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, func(c *api.Config) { c.StreamLimit = 100 * time.Millisecond; c.StreamPoll = 10 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	at := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	stored, err := srv.Store.AppendAgentEvents(ctx, []record.AgentEvent{
		{StaffID: srv.AgentID, CallID: "c1", Type: "offered", At: at, Context: record.CallContext{CallID: "c1", Intent: "order", Notes: []string{"VIP"}}},
		{StaffID: "someone-else", CallID: "c2", Type: "offered", At: at},
		{StaffID: srv.AgentID, CallID: "c1", Type: "connected", At: at},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := "/v1/agents/" + srv.AgentID + "/events"
	r := srv.Do(t, http.MethodGet, path, record.RoleAgent, nil)
	body := string(r.Body)
	if r.Status != http.StatusOK || !strings.Contains(body, "event: offered") || !strings.Contains(body, "event: connected") ||
		!strings.Contains(body, `"notes":["VIP"]`) || strings.Contains(body, "c2") {
		t.Fatalf("stream: %d %s", r.Status, body)
	}
	if strings.Index(body, "event: offered") > strings.Index(body, "event: connected") {
		t.Fatalf("out of order: %s", body)
	}
	first := stored[0].ID
	for _, resume := range [][]string{{"Last-Event-ID", itoa(first)}, nil} {
		p := path
		if resume == nil {
			p += "?last_event_id=" + itoa(first)
		}
		r = srv.Do(t, http.MethodGet, p, record.RoleAgent, nil, resume...)
		if r.Status != http.StatusOK || strings.Contains(string(r.Body), "event: offered") || !strings.Contains(string(r.Body), "event: connected") {
			t.Fatalf("resume %v: %d %s", resume, r.Status, r.Body)
		}
	}
	r = srv.Do(t, http.MethodGet, path, record.RoleAgent, nil, "Last-Event-ID", "-3")
	if r.Status != http.StatusBadRequest {
		t.Fatalf("bad Last-Event-ID: %d", r.Status)
	}
	r = srv.Do(t, http.MethodGet, "/v1/agents/someone-else/events", record.RoleAgent, nil)
	if r.Status != http.StatusForbidden {
		t.Fatalf("another's stream: %d", r.Status)
	}
	r = srv.Do(t, http.MethodGet, "/v1/agents/someone-else/events", record.RoleSupervisor, nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"call_id":"c2"`) {
		t.Fatalf("supervisor: %d %s", r.Status, r.Body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
