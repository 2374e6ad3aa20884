package client_test

import (
	"context"
	"testing"
	"time"

	"callsvc/api/apitest"
	"callsvc/api/client"
	"callsvc/api/record"
)

// TestPersonActions: what a person does from a screen goes through the
// API's routes with their token, scoping included.
func TestPersonActions(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	ctx := context.Background()
	engine := client.New(srv.URL, srv.Tokens[record.RoleService], srv.Client)
	agent := client.New(srv.URL, srv.Tokens[record.RoleAgent], srv.Client)
	boss := client.New(srv.URL, srv.Tokens[record.RoleSupervisor], srv.Client)

	back := time.Now().Add(2 * time.Hour).Truncate(time.Second).UTC()
	p, err := agent.SetPresence(ctx, srv.AgentID, client.PresenceUpdate{Status: record.PresenceOut, Where: "倉庫", BackAt: &back})
	if err != nil || p.Status != record.PresenceOut || p.Where != "倉庫" || p.BackAt == nil || !p.BackAt.Equal(back) {
		t.Fatalf("SetPresence: %+v %v", p, err)
	}
	if _, err := agent.SetPresence(ctx, "01JSOMEONEELSE000000000000", client.PresenceUpdate{Status: record.PresenceMeeting}); codeOf(err) != record.EForbidden {
		t.Errorf("agent sets someone else's presence: %v", err)
	}

	c := call(0)
	c.StaffIDs = []string{srv.AgentID}
	if err := engine.UpsertCalls(ctx, []record.Call{c}); err != nil {
		t.Fatal(err)
	}
	// No engine here: a note goes to the timeline; a transfer or an urgent
	// answer is unavailable.
	if live, err := agent.AddNote(ctx, c.ID, "客戶要發票"); err != nil || live {
		t.Errorf("AddNote: live %v, %v", live, err)
	}
	_, events, err := agent.GetCall(ctx, c.ID)
	if err != nil || len(events) != 1 || events[0].Type != "note_added" {
		t.Errorf("timeline after the note: %+v %v", events, err)
	}
	if _, err := agent.Transfer(ctx, record.TransferRequest{CallID: c.ID, Mode: record.TransferBlind, ToExtension: "2001"}); codeOf(err) != record.EUnavailable {
		t.Errorf("Transfer without an engine: %v", err)
	}
	if err := agent.AnswerUrgent(ctx, c.ID, true); codeOf(err) != record.EUnavailable {
		t.Errorf("AnswerUrgent without an engine: %v", err)
	}

	m := record.Message{ID: call(1).ID, CallID: c.ID, ForStaffID: srv.AgentID, CallerNumber: "+8613812345678", CreatedAt: t0}
	if _, _, err := engine.PutMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	page, err := agent.ListMessages(ctx, record.MessageFilter{Status: record.MessageNew})
	if err != nil || len(page.Messages) != 1 || page.Messages[0].ID != m.ID {
		t.Fatalf("ListMessages: %+v %v", page, err)
	}
	if _, err := agent.ListMessages(ctx, record.MessageFilter{ForStaffID: "01JSOMEONEELSE000000000000"}); codeOf(err) != record.EForbidden {
		t.Errorf("agent lists someone else's messages: %v", err)
	}
	h, err := agent.HandleMessage(ctx, m.ID)
	if err != nil || h.Status != record.MessageHandled || h.HandledBy != srv.AgentID {
		t.Errorf("HandleMessage: %+v %v", h, err)
	}

	loc, _ := time.LoadLocation("Asia/Shanghai")
	rows, err := boss.Summary(ctx, record.SummaryQuery{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), By: record.ByHour, Location: loc})
	if err != nil || len(rows) != 1 || rows[0].Key != "2026-11-23T09" || rows[0].Offered != 1 {
		t.Errorf("Summary: %+v %v", rows, err)
	}
	if _, err := agent.Summary(ctx, record.SummaryQuery{From: t0, To: t0.Add(time.Hour), By: record.ByDay}); codeOf(err) != record.EForbidden {
		t.Errorf("agent reads the report: %v", err)
	}
	staff, err := boss.ListStaffAll(ctx)
	if err != nil || len(staff) != 1 || staff[0].ID != srv.AgentID {
		t.Errorf("ListStaffAll: %+v %v", staff, err)
	}
}
