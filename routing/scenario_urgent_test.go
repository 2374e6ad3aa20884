package routing_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// urgentCall asks for a person in a meeting and presses 3 (urgent): the
// caller holds while the person is told.
func urgentCall(t *testing.T, timeout time.Duration) (*scenario, *awayKit, record.Staff, pbxtest.Phone, pbxtest.Caller) {
	t.Helper()
	sc, kit, s, phone, caller := awayCall(t, timeout, record.PresenceMeeting)
	sc.press(caller, "3")
	sc.hear(caller, zhm(prompt.KeyUrgentHold))
	sc.waitEvent("urgent_requested")
	return sc, kit, s, phone, caller
}

// S16: urgent, the person accepts (their answer through AnswerUrgent, as
// the API's POST /v1/calls/{id}/urgent gives it): their phone rings, they
// hear the whisper and are put through.
func TestUrgentAccepted(t *testing.T) {
	t.Parallel()
	sc, kit, s, phone, caller := urgentCall(t, 0)
	id := sc.liveCallID()
	if err := sc.eng.AnswerUrgent(sc.ctx, id, "someone-else", true); record.ErrorCode(err) != record.EConflict {
		t.Fatalf("another person's answer: %v, want conflict", err)
	}
	if err := sc.eng.AnswerUrgent(sc.ctx, id, s.ID, true); err != nil {
		t.Fatal(err)
	}
	leg, err := phone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := leg.Answer(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	inOrder(t, "timeline", types(evs), "away", "urgent_requested", "urgent_accepted", "ringing_staff", "connected")
	if c.Outcome != record.OutcomeConnected || c.OwnerStaffID != s.ID {
		t.Fatalf("outcome %q owner %q", c.Outcome, c.OwnerStaffID)
	}
	if got := kit.screen.types(s.ID); !slices.Contains(got, "urgent") || !slices.Contains(got, "connected") {
		t.Fatalf("screen pops %v", got)
	}
	if n := kit.notices.next(t, sc.ctx); n.Type != "call.urgent" || n.StaffID != s.ID || !strings.Contains(string(n.Data), c.ID) {
		t.Fatalf("notice %+v", n)
	}
	if err := sc.eng.AnswerUrgent(sc.ctx, c.ID, s.ID, true); record.ErrorCode(err) != record.ENotFound {
		t.Fatalf("answer after the call: %v, want not found", err)
	}
}

// Declined: the caller hears so and is back at the options; a message
// then is still possible (here a callback).
func TestUrgentDeclined(t *testing.T) {
	t.Parallel()
	sc, kit, s, _, caller := urgentCall(t, 0)
	if err := sc.eng.AnswerUrgent(sc.ctx, sc.liveCallID(), s.ID, false); err != nil {
		t.Fatal(err)
	}
	sc.hear(caller, zhm(prompt.KeyUrgentDeclined))
	sc.hear(caller, zhm(prompt.KeyAwayOptCallback))
	sc.press(caller, "4")
	sc.hear(caller, zhm(prompt.KeyCallbackBooked))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	inOrder(t, "timeline", types(evs), "urgent_requested", "urgent_declined", "away_choice", "callback_requested")
	if c.Outcome != record.OutcomeCallbackRequested {
		t.Fatalf("outcome %q", c.Outcome)
	}
	if got := kit.screen.types(s.ID); !slices.Equal(got, []string{"urgent", "urgent_closed"}) {
		t.Fatalf("screen pops %v", got)
	}
}

// No answer within the limit: "sorry to have kept you waiting", back to
// the options; the caller leaves a message.
func TestUrgentTimedOut(t *testing.T) {
	t.Parallel()
	sc, _, s, _, caller := urgentCall(t, 20*time.Second)
	sc.hear(caller, zhm(prompt.KeyUrgentNoReply))
	sc.hear(caller, zhm(prompt.KeyAwayOptCallback))
	caller.Hangup(sc.ctx)
	_, evs := sc.done()
	inOrder(t, "timeline", types(evs), "urgent_requested", "urgent_timeout")
	if hasType(evs, record.EventUrgentAccepted) || hasType(evs, record.EventRingingStaff) {
		t.Fatalf("timeline %v", types(evs))
	}
	if err := sc.eng.AnswerUrgent(sc.ctx, "gone", s.ID, true); record.ErrorCode(err) != record.ENotFound {
		t.Fatalf("unknown call: %v", err)
	}
}

// 2: another colleague of the same department, free now, is rung; when
// they do not answer the caller hears the apology (S15) and, nobody else
// being free, is promised a callback.
func TestAwayAnotherColleagueWhoDoesNotAnswer(t *testing.T) {
	t.Parallel()
	sc, _ := newAwayScenario(t, 0)
	s := sc.addStaff("王經理", "2001", "sales")
	other := sc.addStaff("趙銷售", "2002", "sales")
	sc.phone(s.Extension, pbxtest.PhoneOptions{Manual: true})
	sc.phone(other.Extension, pbxtest.PhoneOptions{NoAnswer: true})
	sc.setPresence(record.Presence{StaffID: s.ID, Status: record.PresenceMeeting})
	caller := sc.askFor("2001")
	sc.press(caller, "2")
	sc.hear(caller, zhm(prompt.KeySorryPleaseWait))
	sc.hear(caller, zhm(prompt.KeyCallbackPromise))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	var rung []string
	for _, e := range evs {
		if e.Type == record.EventRingingStaff {
			rung = append(rung, e.StaffID)
		}
	}
	if !slices.Equal(rung, []string{other.ID}) {
		t.Fatalf("rang %v, want only the colleague %s", rung, other.ID)
	}
	if d := eventData(t, evs, "staff_no_answer"); d["reason"] != "no_answer" {
		t.Fatalf("no answer event %v", d)
	}
	if c.Outcome != record.OutcomeCallbackRequested {
		t.Fatalf("outcome %q", c.Outcome)
	}
}

// 2 with nobody else free: the caller is told and offered the options again.
func TestAwayNoColleagueFree(t *testing.T) {
	t.Parallel()
	sc, _, _, _, caller := awayCall(t, 0, record.PresenceOut)
	sc.press(caller, "2")
	sc.hear(caller, zhm(prompt.KeyNoColleagueFree))
	sc.hear(caller, zhm(prompt.KeyAwayOptCallback))
	caller.Hangup(sc.ctx)
	_, evs := sc.done()
	if !hasType(evs, record.EventAwayNoColleague) || hasType(evs, record.EventRingingStaff) {
		t.Fatalf("timeline %v", types(evs))
	}
}

// The person answers through the real API over HTTP (POST
// /v1/calls/{id}/urgent with their agent token): a decline takes the
// caller back to the options; someone else's answer is a conflict.
func TestUrgentDeclinedOverAPI(t *testing.T) {
	t.Parallel()
	sc, kit := newAwayScenario(t, 0)
	srv := apitest.NewOn(t, sc.store, func(c *api.Config) { c.Live = sc.eng })
	agentID := srv.AgentID // extension 2999
	sc.phone("2999", pbxtest.PhoneOptions{Manual: true})
	sc.setPresence(record.Presence{StaffID: agentID, Status: record.PresenceVisitor})
	caller := sc.askFor("2999")
	sc.press(caller, "3")
	sc.waitEvent("urgent_requested")
	id := sc.liveCallID()

	r := srv.Do(t, http.MethodPost, "/v1/calls/"+ulid.Make().String()+"/urgent", record.RoleAgent, map[string]string{"answer": "accept"})
	if r.Status != http.StatusNotFound {
		t.Fatalf("unknown call: %d %s", r.Status, r.Body)
	}
	r = srv.Do(t, http.MethodPost, "/v1/calls/"+id+"/urgent", record.RoleAgent, map[string]string{"answer": "decline"})
	var res api.UrgentResult
	r.Decode(t, &res)
	if r.Status != http.StatusOK || res.Answer != "decline" || res.CallID != id {
		t.Fatalf("decline: %d %s", r.Status, r.Body)
	}
	sc.hear(caller, zhm(prompt.KeyUrgentDeclined))
	r = srv.Do(t, http.MethodPost, "/v1/calls/"+id+"/urgent", record.RoleAgent, map[string]string{"answer": "accept"})
	if r.Status != http.StatusConflict {
		t.Fatalf("answer when no longer waiting: %d %s", r.Status, r.Body)
	}
	caller.Hangup(sc.ctx)
	_, evs := sc.done()
	inOrder(t, "timeline", types(evs), "urgent_requested", "urgent_declined")
	if got := kit.screen.types(agentID); !slices.Equal(got, []string{"urgent", "urgent_closed"}) {
		t.Fatalf("screen pops %v", got)
	}
}
