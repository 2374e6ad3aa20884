package spool_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/apitest"
	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/routing/spool"
)

// fetcher is a hand-written RecordingFetcher: Asterisk's stored files.
type fetcher struct {
	fetch func(node, name string) ([]byte, error)
}

func (f fetcher) FetchRecording(_ context.Context, node, name string) ([]byte, error) {
	return f.fetch(node, name)
}

// downStore is the real store behind a switch that makes every write fail
// while down (a database outage), without touching the database.
type downStore struct {
	*postgres.Store
	down  atomic.Bool
	tried chan struct{} // one per CreateMessage, for tests to wait on
}

var errDown = errors.New("store down")

func (s *downStore) CreateMessage(ctx context.Context, m record.Message) (record.Message, bool, error) {
	select {
	case s.tried <- struct{}{}:
	default:
	}
	if s.down.Load() {
		return record.Message{}, false, errDown
	}
	return s.Store.CreateMessage(ctx, m)
}

func (s *downStore) PutMessageAudio(ctx context.Context, id string, wav []byte) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.PutMessageAudio(ctx, id, wav)
}

func runMessages(t *testing.T, w *spool.MessageWriter) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// A store failure while saving spools the message with its audio; nothing
// is lost: a writer started later on the same spool (after a restart)
// stores it, and replaying the same message again is a no-op.
func TestMessageWriterSpoolsWhileStoreIsDown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	real := pgtest.NewStore(t)
	staff, err := real.CreateStaff(ctx, record.Staff{Name: "王經理", Extension: "2001", Endpoint: "PJSIP/2001",
		Department: "sales", Role: record.RoleAgent, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	audio := apitest.WAV(1600, 5)
	var fetched atomic.Int32
	asterisk := fetcher{func(node, name string) ([]byte, error) {
		fetched.Add(1)
		if node != "n1" || name != "rec-1" {
			return nil, errors.New("no such recording")
		}
		return audio, nil
	}}
	st := &downStore{Store: real, tried: make(chan struct{}, 4)}
	st.down.Store(true)
	dir := t.TempDir()
	w1, err := spool.NewMessageWriter(st, spool.MessageWriterOptions{Dir: dir, Fetcher: asterisk, Retry: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	stop1 := runMessages(t, w1)
	m := record.Message{ID: ulid.Make().String(), CallID: ulid.Make().String(), ForStaffID: staff.ID,
		CallerNumber: "+8613800138000", CallbackNumber: "+8613800138000", RecordingName: "rec-1", DurationMS: 2000,
		CreatedAt: time.Now().UTC()}
	w1.Message(m, "n1")
	for range 2 { // it has tried and failed, and tried again
		select {
		case <-ctx.Done():
			t.Fatal("the writer never tried the store")
		case <-st.tried:
		}
	}
	stop1()
	if w1.Pending() != 1 {
		t.Fatalf("pending %d, want 1 spooled", w1.Pending())
	}
	if _, err := real.GetMessage(ctx, m.ID); !record.IsNotFound(err) {
		t.Fatalf("stored while down: %v", err)
	}

	// Asterisk is gone by now: the spool carries the audio.
	gone := fetcher{func(string, string) ([]byte, error) { return nil, errors.New("asterisk restarted") }}
	w2, err := spool.NewMessageWriter(real, spool.MessageWriterOptions{Dir: dir, Fetcher: gone, Retry: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runMessages(t, w2)
	if err := w2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	w2.Message(m, "n1") // a replay: the same id
	if err := w2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := real.GetMessage(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AudioBytes != len(audio) || got.ForStaffID != staff.ID {
		t.Fatalf("stored %+v", got)
	}
	wav, err := real.MessageAudio(ctx, m.ID)
	if err != nil || !bytes.Equal(wav, audio) {
		t.Fatalf("audio %d bytes (%v), want %d", len(wav), err, len(audio))
	}
	page, err := real.ListMessages(ctx, record.MessageFilter{ForStaffID: staff.ID})
	if err != nil || len(page.Messages) != 1 {
		t.Fatalf("%d messages (%v), want 1 after the replay", len(page.Messages), err)
	}
	if fetched.Load() != 1 {
		t.Fatalf("fetched from Asterisk %d times, want once", fetched.Load())
	}
}

// A spool file that is not a message is set aside, not retried for ever.
func TestMessageWriterSetsAsideBadSpool(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "message-01BAD.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := spool.NewMessageWriter(pgtest.NewStore(t), spool.MessageWriterOptions{Dir: dir,
		Fetcher: fetcher{func(string, string) ([]byte, error) { return nil, errors.New("none") }}})
	if err != nil {
		t.Fatal(err)
	}
	runMessages(t, w)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "message-01BAD.bad")); err != nil {
		t.Fatalf("bad spool not set aside: %v", err)
	}
}

func TestNewMessageWriterNeedsItsParts(t *testing.T) {
	t.Parallel()
	f := fetcher{func(string, string) ([]byte, error) { return nil, nil }}
	if _, err := spool.NewMessageWriter(nil, spool.MessageWriterOptions{Dir: t.TempDir(), Fetcher: f}); err == nil {
		t.Error("no store accepted")
	}
	if _, err := spool.NewMessageWriter(&downStore{}, spool.MessageWriterOptions{Fetcher: f}); err == nil {
		t.Error("no spool dir accepted")
	}
	if _, err := spool.NewMessageWriter(&downStore{}, spool.MessageWriterOptions{Dir: t.TempDir()}); err == nil {
		t.Error("no fetcher accepted")
	}
}

// Audio Asterisk cannot give after AudioTries tries is given up: the
// message is stored without it rather than held for ever.
func TestMessageWriterStoresWithoutAudioAsteriskLost(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st := pgtest.NewStore(t)
	staff, err := st.CreateStaff(ctx, record.Staff{Name: "王經理", Extension: "2001", Endpoint: "PJSIP/2001",
		Department: "sales", Role: record.RoleAgent, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	var tries atomic.Int32
	lost := fetcher{func(string, string) ([]byte, error) { tries.Add(1); return nil, errors.New("no such recording") }}
	w, err := spool.NewMessageWriter(st, spool.MessageWriterOptions{Dir: t.TempDir(), Fetcher: lost,
		AudioTries: 3, Retry: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runMessages(t, w)
	m := record.Message{ID: ulid.Make().String(), CallID: ulid.Make().String(), ForStaffID: staff.ID,
		CallerNumber: "+8613800138000", CallbackNumber: "+8613800138000", RecordingName: "rec-lost", DurationMS: 2000,
		CreatedAt: time.Now().UTC()}
	w.Message(m, "n1")
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := st.GetMessage(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AudioBytes != 0 || tries.Load() != 3 {
		t.Fatalf("stored with %d audio bytes after %d fetches, want none after 3", got.AudioBytes, tries.Load())
	}
}
