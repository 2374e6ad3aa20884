package routing_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/routing"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

var _ api.Live = (*routing.Engine)(nil)

// sseFrame is one parsed Server-Sent Event.
type sseFrame struct {
	id    int64
	event string
	data  record.AgentEvent
}

func parseSSE(t *testing.T, body []byte) []sseFrame {
	t.Helper()
	var out []sseFrame
	for _, block := range strings.Split(string(body), "\n\n") {
		var f sseFrame
		has := false
		for _, line := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(line, "id: "):
				n, err := strconv.ParseInt(strings.TrimPrefix(line, "id: "), 10, 64)
				if err != nil {
					t.Fatalf("bad id line %q", line)
				}
				f.id, has = n, true
			case strings.HasPrefix(line, "event: "):
				f.event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &f.data); err != nil {
					t.Fatalf("bad data line %q: %v", line, err)
				}
			}
		}
		if has {
			out = append(out, f)
		}
	}
	return out
}

// streamUntil reads staffID's screen pops from after on, stream after
// stream (each ends after the server's short StreamLimit), until one of
// type want arrives or the test's deadline.
func streamUntil(t *testing.T, ctx context.Context, srv *apitest.Server, role, staffID string, after int64, want string) []sseFrame {
	t.Helper()
	var got []sseFrame
	for ctx.Err() == nil {
		r := srv.Do(t, http.MethodGet, "/v1/agents/"+staffID+"/events", role, nil, "Last-Event-ID", strconv.FormatInt(after, 10))
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream: %d %s", r.Status, r.Body)
		}
		for _, f := range parseSSE(t, r.Body) {
			got = append(got, f)
			after = f.id
			if f.event == want {
				return got
			}
		}
	}
	t.Fatalf("no %s screen pop for %s; got %v", want, staffID, got)
	return nil
}

// The API on a live engine: an agent notes the call and makes an attended
// transfer through HTTP; the target's screen-pop stream (SSE, stored in
// PostgreSQL) offers the call with its context, resumes after
// Last-Event-ID, and the record shows the transfer chain.
func TestAPIAttendedTransferWithNotesAndScreenPops(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	sw := routing.NewScreenWriter(st, 0, nil)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sw.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	sc := newScenario(t, scenarioOptions{store: st, screen: sw})
	srv := apitest.NewOn(t, st, func(c *api.Config) {
		c.Live = sc.eng
		c.StreamLimit = 200 * time.Millisecond
		c.StreamPoll = 20 * time.Millisecond
	})
	agentID := srv.AgentID // the desk's only person, extension 2999
	b := sc.addStaff("乙", "3001", "sales")
	deskPhone := sc.phone("2999", pbxtest.PhoneOptions{})
	salesPhone := sc.phone(b.Extension, pbxtest.PhoneOptions{})
	caller, legA, callID := agentCall(t, sc, deskPhone)

	r := srv.Do(t, http.MethodPost, "/v1/calls/"+callID+"/notes", record.RoleAgent, map[string]string{"text": "要退貨, 訂單 42"})
	var note api.NoteResult
	r.Decode(t, &note)
	if r.Status != http.StatusOK || !note.Live {
		t.Fatalf("note: %d %s", r.Status, r.Body)
	}
	// Not the agent's call to move elsewhere: a supervisor may, an agent
	// only when on it. Here the agent is on it.
	r = srv.Do(t, http.MethodPost, "/v1/calls/"+callID+"/transfer", record.RoleAgent,
		map[string]string{"mode": "attended", "to_extension": "3001", "note": "VIP, 很急"})
	var res record.TransferResult
	r.Decode(t, &res)
	if r.Status != http.StatusOK || res.Status != "ringing" || res.TargetStaffID != b.ID {
		t.Fatalf("transfer: %d %s", r.Status, r.Body)
	}
	legB, err := salesPhone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("consult_connected")

	// The target's screen pop: offered with the whole context.
	frames := streamUntil(t, sc.ctx, srv, record.RoleSupervisor, b.ID, 0, "offered")
	offered := frames[len(frames)-1]
	cc := offered.data.Context
	if offered.data.CallID != callID || cc.OwnerStaffID != agentID || !slices.Equal(cc.Chain, []string{agentID}) ||
		!slices.Equal(cc.Notes, []string{"要退貨, 訂單 42", "VIP, 很急"}) || cc.CallerNumber != "+8613800138000" {
		t.Fatalf("offered %+v", offered.data)
	}
	if r := srv.Do(t, http.MethodGet, "/v1/agents/"+b.ID+"/events", record.RoleAgent, nil); r.Status != http.StatusForbidden {
		t.Fatalf("an agent read someone else's stream: %d", r.Status)
	}

	r = srv.Do(t, http.MethodPost, "/v1/calls/"+callID+"/transfer", record.RoleAgent, map[string]string{"mode": "complete"})
	r.Decode(t, &res)
	if r.Status != http.StatusOK || res.Status != "completed" {
		t.Fatalf("complete: %d %s", r.Status, r.Body)
	}
	// Resuming after the offer gives what came next.
	next := streamUntil(t, sc.ctx, srv, record.RoleSupervisor, b.ID, offered.id, "connected")
	if next[0].id <= offered.id || next[len(next)-1].data.Type != "connected" {
		t.Fatalf("resumed stream %+v", next)
	}
	// The agent's own stream has their side: offered, connected, ended.
	mine := streamUntil(t, sc.ctx, srv, record.RoleAgent, agentID, 0, "ended")
	var kinds []string
	for _, f := range mine {
		kinds = append(kinds, f.event)
	}
	inOrder(t, "agent's stream", kinds, "offered", "connected", "ended")
	sc.waitGone(legA, "agent still on the call after completing")
	if err := legB.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	caller.Hangup(sc.ctx)
	sc.done()

	r = srv.Do(t, http.MethodGet, "/v1/calls/"+callID, record.RoleSupervisor, nil)
	var got api.CallWithEvents
	r.Decode(t, &got)
	if !got.Call.Transferred || got.Call.OwnerStaffID != agentID || !slices.Equal(got.Call.StaffIDs, []string{agentID, b.ID}) {
		t.Fatalf("call %+v", got.Call)
	}
	inOrder(t, "timeline", types(got.Events), "note_added", "note_added", "transfer_requested", "consult_started",
		"whisper_played", "consult_connected", "transfer_completed", "connected", "staff_left")
	chain := lastEventData(t, got.Events, "transfer_completed")["chain"].([]any)
	if len(chain) != 2 || chain[0] != agentID || chain[1] != b.ID {
		t.Fatalf("chain %v", chain)
	}
}
