package postgres_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

func TestMessageStore(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	at := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
	m := record.Message{
		ID: ulid.Make().String(), CallID: ulid.Make().String(), ForStaffID: "01JSTAFFA00000000000000000",
		CallerNumber: "13812345678", CallbackNumber: "010 6552 9988", DurationMS: 1200, CreatedAt: at,
	}
	got, created, err := st.CreateMessage(ctx, m)
	if err != nil || !created {
		t.Fatalf("CreateMessage: %v %v", created, err)
	}
	// Numbers are stored normalised, even when the caller of the store did not.
	if got.CallerNumber != "+8613812345678" || got.CallbackNumber != "+861065529988" || got.Status != record.MessageNew {
		t.Errorf("stored %+v", got)
	}
	m.DurationMS = 99
	again, created, err := st.CreateMessage(ctx, m)
	if err != nil || created || again.DurationMS != 1200 {
		t.Errorf("replay: created %v, %v, duration %d (first write must win)", created, err, again.DurationMS)
	}

	wav := append([]byte("RIFF"), bytes.Repeat([]byte{1}, 60)...)
	if err := st.PutMessageAudio(ctx, m.ID, wav); err != nil {
		t.Fatal(err)
	}
	if err := st.PutMessageAudio(ctx, m.ID, wav); err != nil {
		t.Errorf("same audio again: %v", err)
	}
	err = st.PutMessageAudio(ctx, m.ID, append(wav, 2))
	wantCode(t, err, record.EConflict)
	err = st.PutMessageAudio(ctx, ulid.Make().String(), wav)
	wantCode(t, err, record.ENotFound)
	back, err := st.MessageAudio(ctx, m.ID)
	if err != nil || !bytes.Equal(back, wav) {
		t.Errorf("MessageAudio: %v, %d bytes", err, len(back))
	}
	if got, _ := st.GetMessage(ctx, m.ID); got.AudioBytes != len(wav) {
		t.Errorf("audio_bytes %d, want %d", got.AudioBytes, len(wav))
	}

	_, err = st.HandleMessage(ctx, ulid.Make().String(), "x")
	wantCode(t, err, record.ENotFound)
	_, err = st.ListMessages(ctx, record.MessageFilter{Cursor: "AQ"})
	wantCode(t, err, record.EInvalid)
	_, err = st.ListMessages(ctx, record.MessageFilter{Limit: 5000})
	wantCode(t, err, record.EInvalid)
	_, _, err = st.CreateMessage(ctx, record.Message{ID: ulid.Make().String(), CreatedAt: at})
	wantCode(t, err, record.EInvalid)
}

func TestPresenceStore(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	s, err := st.CreateStaff(ctx, record.Staff{Name: "陳經理", Extension: "2001", Department: "sales", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.GetPresence(ctx, s.ID)
	if err != nil || p.Status != record.PresenceAvailable || !p.UpdatedAt.Equal(s.CreatedAt) {
		t.Fatalf("never set: %+v %v", p, err)
	}
	back := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
	hours := &record.WorkingHours{TimeZone: "Asia/Shanghai", Weekly: []record.WorkRange{{Day: "mon", Start: "09:00", End: "17:30"}}}
	p, err = st.SetPresence(ctx, record.Presence{StaffID: s.ID, Status: record.PresenceOut, Where: "機場", BackAt: &back, WorkingHours: hours, UpdatedBy: s.ID})
	if err != nil || p.Status != record.PresenceOut || p.BackAt == nil || !p.BackAt.Equal(back) || p.WorkingHours == nil || p.UpdatedBy != s.ID {
		t.Fatalf("set: %+v %v", p, err)
	}
	_, err = st.SetPresence(ctx, record.Presence{StaffID: s.ID, Status: "lunch"})
	wantCode(t, err, record.EInvalid)
	_, err = st.SetPresence(ctx, record.Presence{StaffID: s.ID, Status: record.PresenceAvailable,
		WorkingHours: &record.WorkingHours{TimeZone: "Nowhere/Land", Weekly: hours.Weekly}})
	wantCode(t, err, record.EInvalid)
	_, err = st.SetPresence(ctx, record.Presence{StaffID: "01JNOBODY00000000000000000", Status: record.PresenceMeeting})
	wantCode(t, err, record.ENotFound)
	// Removing a person removes their presence with them.
	if _, err := st.Pool().Exec(ctx, `DELETE FROM staff WHERE id = $1`, s.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM presence`).Scan(&n); err != nil || n != 0 {
		t.Errorf("presence rows after the person left: %d %v", n, err)
	}
}
