package routing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/oklog/ulid/v2"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/routing/pbxtest"
)

// liveActionBodies is a valid body for every action on a live call; a new
// action without one fails the test below, so none escapes its check.
var liveActionBodies = map[string]any{
	"/v1/calls/{id}/notes":    map[string]string{"text": "退款已辦"},
	"/v1/calls/{id}/transfer": map[string]string{"mode": "blind", "to_extension": "3001"},
	"/v1/calls/{id}/urgent":   map[string]string{"answer": "accept"},
}

// TestLiveCallActionsCheckWhoActs (issue 11, high 2, and the existence
// oracle): an agent who takes no part in a live call gets, for every
// action on it, exactly the answer for a call that does not exist (and
// for someone else's ended call), and nothing of theirs reaches the call;
// the agent on it and a supervisor act; a supervisor's note names them.
func TestLiveCallActionsCheckWhoActs(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	sc := newScenario(t, scenarioOptions{store: st})
	srv := apitest.NewOn(t, st, func(c *api.Config) { c.Live = sc.eng })
	outsider := sc.addStaff("丙", "3009", "sales")
	secret, _, err := api.CreateToken(context.Background(), st, "丙's phone", record.RoleAgent, outsider.ID)
	if err != nil {
		t.Fatal(err)
	}
	srv.Tokens["outsider"] = secret
	deskPhone := sc.phone("2999", pbxtest.PhoneOptions{})
	sc.phone("3001", pbxtest.PhoneOptions{})
	caller, _, callID := agentCall(t, sc, deskPhone) // with the harness's agent, 2999

	// Someone else's call that has ended, and one that never was.
	ended := record.Call{ID: ulid.Make().String(), StaffIDs: []string{srv.AgentID}, OwnerStaffID: srv.AgentID,
		Outcome: record.OutcomeConnected, ArrivedAt: time.Now().Add(-time.Hour).UTC(), UpdatedAt: time.Now().UTC()}
	srv.Write(t, "/v1/calls", []record.Call{ended})
	missing := ulid.Make().String()

	actions := 0
	err = chi.Walk(srv.Handler.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodPost || !strings.HasPrefix(route, "/v1/calls/{id}/") || route == "/v1/calls/{id}/events" {
			return nil
		}
		actions++
		body, ok := liveActionBodies[route]
		if !ok {
			t.Errorf("live-call action %s has no case here: add one", route)
			return nil
		}
		want := srv.Do(t, method, strings.ReplaceAll(route, "{id}", missing), "outsider", body)
		if want.Status != http.StatusNotFound {
			t.Errorf("%s on no call: %d %s", route, want.Status, want.Body)
		}
		for what, id := range map[string]string{"a live call": callID, "an ended call": ended.ID} {
			got := srv.Do(t, method, strings.ReplaceAll(route, "{id}", id), "outsider", body)
			if got.Status != want.Status || !bytes.Equal(got.Body, want.Body) {
				t.Errorf("%s on someone else's %s: %d %s; want what no call gets: %d %s", route, what, got.Status, got.Body, want.Status, want.Body)
			}
		}
		return nil
	})
	if err != nil || actions != len(liveActionBodies) {
		t.Fatalf("walked %d live-call actions (%v), want %d", actions, err, len(liveActionBodies))
	}
	for _, path := range []string{"/v1/calls/" + callID, "/v1/calls/" + ended.ID} {
		got, want := srv.Do(t, http.MethodGet, path, "outsider", nil), srv.Do(t, http.MethodGet, "/v1/calls/"+missing, "outsider", nil)
		if got.Status != http.StatusNotFound || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("GET %s as an outsider: %d %s; want %s", path, got.Status, got.Body, want.Body)
		}
	}

	// The agent on the call and a supervisor note it; the supervisor's
	// note names the token that wrote it.
	for _, role := range []string{record.RoleAgent, record.RoleSupervisor} {
		r := srv.Do(t, http.MethodPost, "/v1/calls/"+callID+"/notes", role, map[string]string{"text": "by " + role})
		var res api.NoteResult
		r.Decode(t, &res)
		if r.Status != http.StatusOK || !res.Live {
			t.Fatalf("%s's note: %d %s", role, r.Status, r.Body)
		}
	}
	caller.Hangup(sc.ctx)
	sc.doneAll()
	_, evs, err := st.GetCall(sc.ctx, callID)
	if err != nil {
		t.Fatal(err)
	}
	supervisorToken := ""
	toks, _, _ := st.ListTokens(sc.ctx, record.ListQuery{Limit: 10})
	for _, tok := range toks {
		if tok.Role == record.RoleSupervisor {
			supervisorToken = tok.ID
		}
	}
	authors := map[string]string{}
	for _, e := range evs {
		if e.Type == "note_added" {
			var note struct{ Text string }
			if err := json.Unmarshal(e.Data, &note); err != nil {
				t.Fatal(err)
			}
			authors[note.Text] = e.StaffID
			if strings.Contains(string(e.Data), "退款已辦") {
				t.Errorf("an outsider's note reached the call: %s", e.Data)
			}
		}
		if e.Type == "transfer_requested" || e.Type == "transfer_refused" {
			t.Errorf("an outsider's transfer reached the call: %s %s", e.Type, e.Data)
		}
	}
	if authors["by agent"] != srv.AgentID || authors["by supervisor"] != "token:"+supervisorToken {
		t.Errorf("note authors %v, want the agent's staff id and token:%s", authors, supervisorToken)
	}
}
