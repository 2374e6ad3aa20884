package routing_test

import (
	"slices"
	"testing"

	"callsvc/api/record"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// consultScenario puts a caller through to the desk person a (who answers
// at once) and starts an attended transfer to the sales person b, whose
// phone behaves as o says.
type consultScenario struct {
	sc        *scenario
	a, b      record.Staff
	caller    pbxtest.Caller
	legA      pbxtest.Leg
	callID    string
	salesLine pbxtest.Phone
}

func startConsult(t *testing.T, o pbxtest.PhoneOptions) *consultScenario {
	t.Helper()
	sc := newScenario(t, scenarioOptions{})
	cs := &consultScenario{sc: sc, a: sc.addStaff("甲", "2001", "desk"), b: sc.addStaff("乙", "3001", "sales")}
	deskPhone := sc.phone(cs.a.Extension, pbxtest.PhoneOptions{})
	cs.salesLine = sc.phone(cs.b.Extension, o)
	cs.caller, cs.legA, cs.callID = agentCall(t, sc, deskPhone)
	res, err := sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: cs.callID, By: cs.a.ID, Mode: record.TransferAttended, ToStaffID: cs.b.ID})
	if err != nil || res.Status != "ringing" || res.TargetStaffID != cs.b.ID {
		t.Fatalf("attended: %+v %v", res, err)
	}
	return cs
}

// backWithAgent checks the caller is with the agent again: when the agent
// hangs up, the caller is asked "anything else?" (S8). It ends the call.
func (cs *consultScenario) backWithAgent(t *testing.T) (record.Call, []record.Event) {
	t.Helper()
	sc := cs.sc
	select {
	case <-cs.legA.Done():
		t.Fatal("the agent was dropped")
	default:
	}
	if err := cs.legA.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.hear(cs.caller, zhm(prompt.KeyAnythingElse))
	cs.caller.Hangup(sc.ctx)
	c, evs := sc.done()
	if c.OwnerStaffID != cs.a.ID || !slices.Equal(c.StaffIDs, []string{cs.a.ID}) || c.Transferred {
		t.Fatalf("record %+v", c)
	}
	return c, evs
}

// The target's phone is busy: the caller is back with the agent, and the
// timeline says why (S15).
func TestAttendedTransferTargetBusy(t *testing.T) {
	t.Parallel()
	cs := startConsult(t, pbxtest.PhoneOptions{Busy: true})
	cs.sc.waitEvent("transfer_cancelled")
	_, evs := cs.backWithAgent(t)
	if d := eventData(t, evs, "staff_no_answer"); d["reason"] != "BUSY" || d["mode"] != record.TransferAttended {
		t.Fatalf("staff_no_answer %v", d)
	}
	if d := lastEventData(t, evs, "transfer_cancelled"); d["reason"] != "BUSY" || d["to_staff_id"] != cs.b.ID || d["bridge"] == nil {
		t.Fatalf("transfer_cancelled %v", d)
	}
}

// The target does not answer within the ring limit: the caller is back
// with the agent.
func TestAttendedTransferTargetNoAnswer(t *testing.T) {
	t.Parallel()
	cs := startConsult(t, pbxtest.PhoneOptions{NoAnswer: true})
	leg, err := cs.salesLine.WaitRinging(cs.sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs.sc.waitEvent("transfer_cancelled")
	cs.sc.waitGone(leg, "the target's phone still rings")
	_, evs := cs.backWithAgent(t)
	inOrder(t, "timeline", types(evs), "consult_started", "ringing_staff", "staff_no_answer", "transfer_cancelled")
	if d := eventData(t, evs, "staff_no_answer"); d["reason"] != "no_answer" {
		t.Fatalf("staff_no_answer %v", d)
	}
	if n := count(types(evs), "staff_answered"); n != 1 {
		t.Fatalf("%d staff_answered (only the agent's is wanted) in %v", n, types(evs))
	}
}

// The target hangs up while the whisper plays: that reason is recorded and
// the caller is back with the agent.
func TestAttendedTransferTargetHangsUpDuringWhisper(t *testing.T) {
	t.Parallel()
	cs := startConsult(t, pbxtest.PhoneOptions{Manual: true})
	sc := cs.sc
	leg, err := cs.salesLine.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := leg.Answer(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.hear(leg, zhm(prompt.KeyWhisperIntro))
	if err := leg.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("transfer_cancelled")
	_, evs := cs.backWithAgent(t)
	if d := eventData(t, evs, "staff_no_answer"); d["reason"] != "hung_up_during_whisper" {
		t.Fatalf("staff_no_answer %v", d)
	}
	if hasType(evs, "consult_connected") {
		t.Fatalf("consult_connected in %v", types(evs))
	}
}

// While the target rings, complete is refused, other requests are refused,
// only the person on the call may act, and cancel drops the target.
func TestAttendedTransferCancelledWhileRinging(t *testing.T) {
	t.Parallel()
	cs := startConsult(t, pbxtest.PhoneOptions{Manual: true})
	sc := cs.sc
	leg, err := cs.salesLine.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	req := record.TransferRequest{CallID: cs.callID, By: cs.a.ID, Mode: record.TransferComplete}
	if _, err := sc.eng.Transfer(sc.ctx, req); record.ErrorCode(err) != record.EConflict {
		t.Fatalf("complete before the target answered: %v", err)
	}
	blind := record.TransferRequest{CallID: cs.callID, By: cs.a.ID, Mode: record.TransferBlind, ToExtension: "3001"}
	if _, err := sc.eng.Transfer(sc.ctx, blind); record.ErrorCode(err) != record.EConflict {
		t.Fatalf("blind during an attended transfer: %v", err)
	}
	req = record.TransferRequest{CallID: cs.callID, By: cs.b.ID, Mode: record.TransferCancel}
	if _, err := sc.eng.Transfer(sc.ctx, req); record.ErrorCode(err) != record.EForbidden {
		t.Fatalf("cancel by the target: %v", err)
	}
	req.By = cs.a.ID
	res, err := sc.eng.Transfer(sc.ctx, req)
	if err != nil || res.Status != "cancelled" || res.TargetStaffID != cs.b.ID {
		t.Fatalf("cancel: %+v %v", res, err)
	}
	sc.waitGone(leg, "the target's phone still rings after cancelling")
	_, evs := cs.backWithAgent(t)
	if d := lastEventData(t, evs, "transfer_cancelled"); d["reason"] != "cancelled" {
		t.Fatalf("transfer_cancelled %v", d)
	}
	if hasType(evs, "staff_no_answer") {
		t.Fatalf("staff_no_answer in %v", types(evs))
	}
}

// The agent hangs up while the target still rings: the engine carries on
// as a blind transfer to them (S15: nobody is dropped).
func TestAttendedTransferAgentHangsUpWhileTargetRings(t *testing.T) {
	t.Parallel()
	cs := startConsult(t, pbxtest.PhoneOptions{Manual: true})
	sc := cs.sc
	first, err := cs.salesLine.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.legA.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("consult_abandoned")
	sc.waitGone(first, "the consultation's leg still rings")
	again, err := cs.salesLine.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Answer(sc.ctx); err != nil {
		t.Fatal(err)
	}
	if err := sc.tap.wait(sc.ctx, "connected", 2); err != nil {
		t.Fatal(err)
	}
	cs.caller.Hangup(sc.ctx)
	c, evs := sc.done()
	inOrder(t, "timeline", types(evs), "consult_started", "ringing_staff", "consult_abandoned", "staff_left",
		"ringing_staff", "staff_answered", "whisper_played", "connected")
	if d := lastEventData(t, evs, "staff_left"); d["transferred_to"] != cs.b.ID {
		t.Fatalf("staff_left %v", d)
	}
	if c.OwnerStaffID != cs.a.ID || !slices.Equal(c.StaffIDs, []string{cs.a.ID, cs.b.ID}) || !c.Transferred {
		t.Fatalf("record %+v", c)
	}
}

// The agent hangs up once both sides are connected: the engine completes
// the transfer (S15).
func TestAttendedTransferAgentHangsUpCompletes(t *testing.T) {
	t.Parallel()
	cs := startConsult(t, pbxtest.PhoneOptions{})
	sc := cs.sc
	legB, err := cs.salesLine.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("consult_connected")
	if err := cs.legA.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("transfer_completed")
	select {
	case <-legB.Done():
		t.Fatal("the target was dropped")
	default:
	}
	cs.caller.Hangup(sc.ctx)
	c, evs := sc.done()
	if d := lastEventData(t, evs, "transfer_completed"); d["reason"] != "agent_hung_up" || d["to_staff_id"] != cs.b.ID {
		t.Fatalf("transfer_completed %v", d)
	}
	inOrder(t, "timeline", types(evs), "consult_connected", "transfer_completed", "connected", "ended")
	if c.OwnerStaffID != cs.a.ID || !slices.Equal(c.StaffIDs, []string{cs.a.ID, cs.b.ID}) || !c.Transferred || c.Outcome != record.OutcomeConnected {
		t.Fatalf("record %+v", c)
	}
}

// The target hangs up during the consultation: the caller is back with
// the agent.
func TestAttendedTransferTargetLeaves(t *testing.T) {
	t.Parallel()
	cs := startConsult(t, pbxtest.PhoneOptions{})
	sc := cs.sc
	legB, err := cs.salesLine.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("consult_connected")
	if err := legB.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("transfer_cancelled")
	_, evs := cs.backWithAgent(t)
	if d := lastEventData(t, evs, "transfer_cancelled"); d["reason"] != "target_left" || d["bridge"] == nil {
		t.Fatalf("transfer_cancelled %v", d)
	}
}

// The caller hangs up during the consultation: both people's legs end and
// the record is closed.
func TestAttendedTransferCallerHangsUp(t *testing.T) {
	t.Parallel()
	cs := startConsult(t, pbxtest.PhoneOptions{})
	sc := cs.sc
	legB, err := cs.salesLine.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("consult_connected")
	cs.caller.Hangup(sc.ctx)
	sc.waitGone(cs.legA, "the agent's leg left behind")
	sc.waitGone(legB, "the target's leg left behind")
	c, _ := sc.done()
	if c.EndedBy != "caller" || !slices.Equal(c.StaffIDs, []string{cs.a.ID}) || c.Transferred {
		t.Fatalf("record %+v", c)
	}
	if sc.eng.Active() != 0 {
		t.Fatalf("%d calls still active", sc.eng.Active())
	}
}
