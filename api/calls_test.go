package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

func TestUpsertCallThenGetWithTimeline(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	c := answeredCall(1, t0, 2, srv.AgentID)
	c.Notes = "客戶要求退貨, 訂單 A-17"

	r := srv.Do(t, "PUT", "/v1/calls/"+c.ID, record.RoleService, c)
	if r.Status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
	events := []record.Event{
		event(c.ID, 1, t0, record.EventArrived, record.ArrivedData{CallerNumber: "+8613812345678", Dialed: "100"}),
		event(c.ID, 2, t0.Add(time.Second), "answered", nil),
	}
	r = srv.Do(t, "POST", "/v1/calls/"+c.ID+"/events", record.RoleService, events)
	var wr api.WriteResult
	r.Decode(t, &wr)
	if r.Status != http.StatusOK || wr.Received != 2 || wr.Inserted == nil || *wr.Inserted != 2 {
		t.Fatalf("POST events: %d %s", r.Status, r.Body)
	}
	// One more event, sent alone as an object without its call id.
	one := event("", 3, t0.Add(2*time.Second), record.EventGreeted, record.GreetedData{Form: "good_morning"})
	r = srv.Do(t, "POST", "/v1/calls/"+c.ID+"/events", record.RoleService, one)
	if r.Status != http.StatusOK {
		t.Fatalf("POST one event: %d %s", r.Status, r.Body)
	}

	r = srv.Do(t, "GET", "/v1/calls/"+c.ID, record.RoleSupervisor, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET: %d %s", r.Status, r.Body)
	}
	var got api.CallWithEvents
	r.Decode(t, &got)
	if diff := cmp.Diff(c, got.Call); diff != "" {
		t.Errorf("call (-sent +got):\n%s", diff)
	}
	one.CallID = c.ID
	want := append(events, one)
	if diff := cmp.Diff(want, got.Events, cmp.Transformer("json", func(m json.RawMessage) (v any) {
		_ = json.Unmarshal(m, &v) // stored as jsonb: the same object, keys in its order
		return v
	})); diff != "" {
		t.Errorf("timeline (-sent +got):\n%s", diff)
	}

	// The agent who took the call sees it too.
	if r := srv.Do(t, "GET", "/v1/calls/"+c.ID, record.RoleAgent, nil); r.Status != http.StatusOK {
		t.Errorf("agent GET own call: %d", r.Status)
	}
}
