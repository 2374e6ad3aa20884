package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// Setting one's presence puts it on one's screen-pop stream (event
// presence, no call, the new status in the notes); a refused change does
// not.
func TestPresenceChangeAppearsInScreenPops(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, func(c *api.Config) { c.StreamLimit = 100 * time.Millisecond; c.StreamPoll = 10 * time.Millisecond })
	path := "/v1/staff/" + srv.AgentID + "/presence"
	if r := srv.Do(t, http.MethodPut, path, record.RoleAgent, map[string]string{"status": "lunch"}); r.Status != http.StatusBadRequest {
		t.Fatalf("bad status: %d %s", r.Status, r.Body)
	}
	r := srv.Do(t, http.MethodPut, path, record.RoleAgent, map[string]string{"status": "out", "where": "倉庫"})
	if r.Status != http.StatusOK {
		t.Fatalf("set presence: %d %s", r.Status, r.Body)
	}
	r = srv.Do(t, http.MethodGet, "/v1/agents/"+srv.AgentID+"/events", record.RoleAgent, nil)
	body := string(r.Body)
	if r.Status != http.StatusOK || strings.Count(body, "event: presence") != 1 || !strings.Contains(body, `"notes":["out (倉庫)"]`) {
		t.Fatalf("stream: %d %s", r.Status, body)
	}
}
