package client_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/apitest"
	"callsvc/api/client"
	"callsvc/api/record"
)

func TestEngineLeavesAMessage(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	ctx := context.Background()
	engine := client.New(srv.URL, srv.Tokens[record.RoleService], srv.Client)
	agent := client.New(srv.URL, srv.Tokens[record.RoleAgent], srv.Client)

	p, err := engine.GetPresence(ctx, srv.AgentID)
	if err != nil || p.Status != record.PresenceAvailable {
		t.Fatalf("GetPresence: %+v %v", p, err)
	}
	if _, err := engine.GetPresence(ctx, "01JNOBODY00000000000000000"); codeOf(err) != record.ENotFound {
		t.Errorf("GetPresence of nobody: %v", err)
	}
	everyone, next, err := engine.ListPresence(ctx, record.ListQuery{Limit: 10})
	if err != nil || next != "" || len(everyone) != 1 || everyone[0].StaffID != srv.AgentID {
		t.Errorf("ListPresence: %+v %q %v", everyone, next, err)
	}
	if _, _, err := agent.ListPresence(ctx, record.ListQuery{}); codeOf(err) != record.EForbidden {
		t.Errorf("agent lists everyone: %v", err)
	}

	at := time.Now().Add(-time.Second).Truncate(time.Millisecond).UTC()
	m := record.Message{
		ID: call(1).ID, CallID: call(0).ID, ForStaffID: srv.AgentID, CallerNumber: "+8613812345678",
		CallerName: "王女士", CallbackNumber: "+8613812345678", RecordingName: "msg-1", DurationMS: 3000,
		Partial: true, CreatedAt: at,
	}
	stored, created, err := engine.PutMessage(ctx, m)
	if err != nil || !created {
		t.Fatalf("PutMessage: created %v, %v", created, err)
	}
	want := m
	want.Status = record.MessageNew
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	// A replay from the spool: not created again, same message.
	again, created, err := engine.PutMessage(ctx, m)
	if err != nil || created || !cmp.Equal(stored, again) {
		t.Errorf("replay: created %v, %v, %+v", created, err, again)
	}

	audio := apitest.WAV(8000, 1)
	if err := engine.PutMessageAudio(ctx, m.ID, audio); err != nil {
		t.Fatalf("PutMessageAudio: %v", err)
	}
	if err := engine.PutMessageAudio(ctx, m.ID, audio); err != nil {
		t.Errorf("PutMessageAudio replay: %v", err)
	}
	if err := engine.PutMessageAudio(ctx, m.ID, []byte("not a wav")); codeOf(err) != record.EInvalid {
		t.Errorf("bad audio: %v", err)
	}
	got, err := agent.MessageAudio(ctx, m.ID)
	if err != nil || !bytes.Equal(got, audio) {
		t.Errorf("MessageAudio: %d bytes, %v; want the %d uploaded", len(got), err, len(audio))
	}
	if _, err := engine.MessageAudio(ctx, m.ID); codeOf(err) != record.EForbidden {
		t.Errorf("engine downloads audio: %v, want forbidden", err)
	}
}
