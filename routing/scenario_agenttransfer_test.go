package routing_test

import (
	"encoding/json"
	"slices"
	"testing"

	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/routing"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// agentCall puts a caller through to the desk person (who answers at once)
// and returns the caller, that person's leg and the call id.
func agentCall(t *testing.T, sc *scenario, desk pbxtest.Phone) (pbxtest.Caller, pbxtest.Leg, string) {
	t.Helper()
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "0")
	leg, err := desk.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	live := sc.eng.Live()
	if len(live) != 1 {
		t.Fatalf("%d live calls", len(live))
	}
	return caller, leg, live[0].ID
}

// legContext reads the call context on a person's leg as their phone's
// channel has it (through ARI, so it works on any PBX).
func legContext(t *testing.T, sc *scenario, leg pbxtest.Leg) record.CallContext {
	t.Helper()
	raw, err := sc.client.Variable(sc.ctx, ari.ChannelKey(sc.pbx.NodeID(), leg.ChannelID()), routing.VarContext)
	if err != nil || raw == "" {
		t.Fatalf("no context on the leg: %q, %v", raw, err)
	}
	var cc record.CallContext
	if err := json.Unmarshal([]byte(raw), &cc); err != nil {
		t.Fatal(err)
	}
	return cc
}

func lastEventData(t *testing.T, evs []record.Event, typ record.EventType) map[string]any {
	t.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			var m map[string]any
			if err := json.Unmarshal(evs[i].Data, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatalf("no %s event", typ)
	return nil
}

// Blind: the agent passes the call on with a note and leaves; the next
// person's leg carries the note and the chain; the owner stays (S5).
func TestAgentBlindTransferCarriesNote(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	a := sc.addStaff("甲", "2001", "desk")
	b := sc.addStaff("乙", "3001", "sales")
	deskPhone := sc.phone(a.Extension, pbxtest.PhoneOptions{})
	salesPhone := sc.phone(b.Extension, pbxtest.PhoneOptions{Manual: true})
	caller, legA, callID := agentCall(t, sc, deskPhone)

	res, err := sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: callID, By: a.ID, Mode: record.TransferBlind,
		ToStaffID: b.ID, Note: "wants a refund for order 42"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "ringing" || res.TargetStaffID != b.ID {
		t.Fatalf("result %+v", res)
	}
	legB, err := salesPhone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitGone(legA, "the first agent's leg is still up after a blind transfer")
	cc := legContext(t, sc, legB)
	if !slices.Equal(cc.Notes, []string{"wants a refund for order 42"}) || !slices.Equal(cc.Chain, []string{a.ID}) || cc.OwnerStaffID != a.ID {
		t.Fatalf("context %+v", cc)
	}
	if err := legB.Answer(sc.ctx); err != nil {
		t.Fatal(err)
	}
	if err := sc.tap.wait(sc.ctx, "connected", 2); err != nil {
		t.Fatal(err)
	}
	inOrder(t, "whisper", legB.Heard(), zhm(prompt.KeyWhisperIntro), zhm(prompt.KeyWhisperTransferred), zhm(prompt.KeyWhisperNotes))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	if c.OwnerStaffID != a.ID || !slices.Equal(c.StaffIDs, []string{a.ID, b.ID}) || !c.Transferred {
		t.Fatalf("owner %q staff %v transferred %v", c.OwnerStaffID, c.StaffIDs, c.Transferred)
	}
	inOrder(t, "timeline", types(evs), "connected", "note_added", "transfer_requested", "staff_left", "ringing_staff", "whisper_played", "connected")
	if got := lastEventData(t, evs, "connected")["chain"]; len(got.([]any)) != 2 {
		t.Fatalf("chain %v", got)
	}
}

// Attended, completed: the caller holds while the agent talks to the
// target; complete joins caller and target and only then drops the agent.
func TestAgentAttendedTransferCompleted(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	a := sc.addStaff("甲", "2001", "desk")
	b := sc.addStaff("乙", "3001", "sales")
	deskPhone := sc.phone(a.Extension, pbxtest.PhoneOptions{})
	salesPhone := sc.phone(b.Extension, pbxtest.PhoneOptions{})
	caller, legA, callID := agentCall(t, sc, deskPhone)
	if _, err := sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: callID, By: b.ID, Mode: record.TransferAttended, ToStaffID: b.ID}); record.ErrorCode(err) != record.EForbidden {
		t.Fatalf("transfer by someone not on the call: %v", err)
	}
	if _, err := sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: callID, By: a.ID, Mode: record.TransferComplete}); record.ErrorCode(err) != record.EConflict {
		t.Fatalf("complete without a consultation: %v", err)
	}
	res, err := sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: callID, By: a.ID, Mode: record.TransferAttended, ToStaffID: b.ID, Note: "VIP, be quick"})
	if err != nil || res.Status != "ringing" {
		t.Fatalf("attended: %+v %v", res, err)
	}
	legB, err := salesPhone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("consult_connected")
	sc.hear(legB, zhm(prompt.KeyWhisperNotes))
	select {
	case <-legA.Done():
		t.Fatal("the agent was dropped before both sides were connected (S15)")
	default:
	}
	if n := count(caller.Heard(), "moh:default"); n < 2 {
		t.Fatalf("caller not on hold during the consultation: %v", caller.Heard())
	}
	res, err = sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: callID, By: a.ID, Mode: record.TransferComplete})
	if err != nil || res.Status != "completed" {
		t.Fatalf("complete: %+v %v", res, err)
	}
	sc.waitGone(legA, "the agent's leg is still up after completing")
	select {
	case <-legB.Done():
		t.Fatal("the target was dropped")
	default:
	}
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	inOrder(t, "timeline", types(evs), "transfer_requested", "consult_started", "ringing_staff", "staff_answered", "whisper_played",
		"consult_connected", "transfer_completed", "connected")
	if c.OwnerStaffID != a.ID || !slices.Equal(c.StaffIDs, []string{a.ID, b.ID}) || !c.Transferred || c.Outcome != record.OutcomeConnected {
		t.Fatalf("record %+v", c)
	}
}

// Attended, cancelled: the target is dropped and the caller is back with
// the agent.
func TestAgentAttendedTransferCancelled(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	a := sc.addStaff("甲", "2001", "desk")
	b := sc.addStaff("乙", "3001", "sales")
	deskPhone := sc.phone(a.Extension, pbxtest.PhoneOptions{})
	salesPhone := sc.phone(b.Extension, pbxtest.PhoneOptions{})
	caller, legA, callID := agentCall(t, sc, deskPhone)
	if _, err := sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: callID, By: a.ID, Mode: record.TransferAttended, ToExtension: "3001"}); err != nil {
		t.Fatal(err)
	}
	legB, err := salesPhone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("consult_connected")
	res, err := sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: callID, By: a.ID, Mode: record.TransferCancel})
	if err != nil || res.Status != "cancelled" {
		t.Fatalf("cancel: %+v %v", res, err)
	}
	sc.waitGone(legB, "the target's leg is still up after cancelling")
	// The agent can go on and finish the call.
	if err := legA.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	if d := lastEventData(t, evs, "transfer_cancelled"); d["reason"] != "cancelled" || d["to_staff_id"] != b.ID {
		t.Fatalf("transfer_cancelled %v", d)
	}
	if c.OwnerStaffID != a.ID || !slices.Equal(c.StaffIDs, []string{a.ID}) || c.Transferred {
		t.Fatalf("record %+v", c)
	}
}

// A transfer of a transfer by the DTMF feature codes: the desk passes the
// call blind to sales (*1 3301 #), sales consults support (*2 3401 #) and
// completes (*3). The owner stays the desk person (S5); the chain holds all
// three in order. Runs on a real Asterisk too (digits keyed on the phones'
// Local legs), hence extensions the lab's [test-agents] leaves to the tests.
func TestPBXTransferOfATransferByFeatureCodes(t *testing.T) {
	onEachPBX(t, func(t *testing.T, sc *scenario) {
		a := sc.addStaff("甲", "3201", "desk")
		b := sc.addStaff("乙", "3301", "sales")
		cs := sc.addStaff("丙", "3401", "support")
		deskPhone := sc.phone(a.Extension, pbxtest.PhoneOptions{})
		salesPhone := sc.phone(b.Extension, pbxtest.PhoneOptions{})
		supportPhone := sc.phone(cs.Extension, pbxtest.PhoneOptions{})
		caller, legA, _ := agentCall(t, sc, deskPhone)
		if err := legA.Press(sc.ctx, "*13301#"); err != nil {
			t.Fatal(err)
		}
		legB, err := salesPhone.WaitRinging(sc.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.tap.wait(sc.ctx, "connected", 2); err != nil {
			t.Fatal(err)
		}
		if err := legB.Press(sc.ctx, "*23401#"); err != nil {
			t.Fatal(err)
		}
		legC, err := supportPhone.WaitRinging(sc.ctx)
		if err != nil {
			t.Fatal(err)
		}
		sc.waitEvent("consult_connected")
		if cc := legContext(t, sc, legC); !slices.Equal(cc.Chain, []string{a.ID, b.ID}) || cc.OwnerStaffID != a.ID {
			t.Fatalf("context on the third leg %+v", cc)
		}
		if err := legB.Press(sc.ctx, "*3"); err != nil {
			t.Fatal(err)
		}
		sc.waitEvent("transfer_completed")
		caller.Hangup(sc.ctx)
		c, evs := sc.done()
		if c.OwnerStaffID != a.ID || !slices.Equal(c.StaffIDs, []string{a.ID, b.ID, cs.ID}) {
			t.Fatalf("owner %q staff %v", c.OwnerStaffID, c.StaffIDs)
		}
		chain := lastEventData(t, evs, "connected")["chain"].([]any)
		if len(chain) != 3 || chain[0] != a.ID || chain[1] != b.ID || chain[2] != cs.ID {
			t.Fatalf("chain %v", chain)
		}
	})
}
