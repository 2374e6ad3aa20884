package spool_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"callsvc/api/client"
	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/routing/arictl"
	"callsvc/routing/spool"

	"github.com/oklog/ulid/v2"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Compile-time: the store and the API's Go client take what the writers
// write; Asterisk (through arictl) gives the messages' audio.
var (
	_ spool.Recorder         = (*postgres.Store)(nil)
	_ spool.Recorder         = (*client.Client)(nil)
	_ spool.MessageStore     = (*postgres.Store)(nil)
	_ spool.RecordingFetcher = (*arictl.Control)(nil)
)

// testLog collects log lines, shown only when a test fails.
type testLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *testLog) log(level, msg string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, f))
}

func newTestLog(t *testing.T) *testLog {
	l := &testLog{}
	t.Cleanup(func() {
		if t.Failed() {
			l.mu.Lock()
			defer l.mu.Unlock()
			for _, s := range l.lines {
				t.Log(s)
			}
		}
	})
	return l
}

// startWriter runs w until the test ends.
func startWriter(t *testing.T, w *spool.Writer) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

func sampleCall(at time.Time) (record.Call, []record.Event) {
	id := ulid.Make().String()
	c := record.Call{ID: id, ChannelID: "1700000000.1", CallerNumber: "+8613800138000", ArrivedAt: at,
		Outcome: record.OutcomeInProgress, UpdatedAt: at}
	var evs []record.Event
	for i, typ := range []record.EventType{record.EventArrived, record.EventRinging, record.EventAnswered} {
		evs = append(evs, record.Event{ID: ulid.Make().String(), CallID: id, At: at.Add(time.Duration(i) * time.Millisecond), Type: typ,
			Data: json.RawMessage(`{"n":` + fmt.Sprint(i) + `}`)})
	}
	return c, evs
}

func flushCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestWriterStoresCallsAndEvents(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	w, err := spool.NewWriter(st, spool.WriterOptions{Dir: t.TempDir(), Log: newTestLog(t).log})
	if err != nil {
		t.Fatal(err)
	}
	startWriter(t, w)
	at := time.Now().UTC().Truncate(time.Millisecond)
	c, evs := sampleCall(at)
	w.Call(c)
	for _, e := range evs {
		w.Event(e)
	}
	c.Outcome, c.UpdatedAt = record.OutcomeCompleted, at.Add(time.Second)
	w.Call(c)
	if err := w.Flush(flushCtx(t)); err != nil {
		t.Fatal(err)
	}
	got, gotEvs, err := st.GetCall(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != record.OutcomeCompleted || len(gotEvs) != 3 {
		t.Fatalf("stored outcome %q with %d events", got.Outcome, len(gotEvs))
	}
}

// The call never waits for the store: with the database down, records go
// to the spool; when it returns they are replayed, once each.
func TestWriterSpoolsWhileStoreDownAndReplaysOnce(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	dir := t.TempDir()
	w, err := spool.NewWriter(st, spool.WriterOptions{Dir: dir, WriteTimeout: 2 * time.Second,
		RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond, Log: newTestLog(t).log})
	if err != nil {
		t.Fatal(err)
	}
	startWriter(t, w)
	restore := pgtest.Outage(t, st)

	at := time.Now().UTC().Truncate(time.Millisecond)
	c, evs := sampleCall(at)
	start := time.Now()
	w.Call(c)
	for _, e := range evs {
		w.Event(e)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("queueing records took %v with the store down", d) // a sanity bound, far above normal
	}
	err = w.Flush(flushCtx(t))
	if !errors.Is(err, spool.ErrSpooled) {
		t.Fatalf("Flush with store down = %v, want ErrSpooled", err)
	}
	files, _ := w.SpoolFiles()
	if len(files) == 0 {
		t.Fatal("nothing spooled")
	}
	// Keep a copy of the spool to replay it a second time below.
	dup := filepath.Join(dir, "spool-99999999999999999999-000000.jsonl")
	copyFile(t, files[0], dup)

	restore()
	if err := w.Flush(flushCtx(t)); err != nil {
		t.Fatalf("Flush after the store returned: %v", err)
	}
	if files, _ := w.SpoolFiles(); len(files) != 0 {
		t.Fatalf("spool not emptied: %v", files)
	}
	_, gotEvs, err := st.GetCall(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(gotEvs) != len(evs) {
		t.Fatalf("stored %d events, want %d (duplicates or losses)", len(gotEvs), len(evs))
	}
}

// Records spooled by a process that stopped with the store down are
// replayed by the next one.
func TestWriterReplaysSpoolOfEarlierProcess(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	dir := t.TempDir()
	restore := pgtest.Outage(t, st)
	w1, err := spool.NewWriter(st, spool.WriterOptions{Dir: dir, WriteTimeout: time.Second, Log: newTestLog(t).log})
	if err != nil {
		t.Fatal(err)
	}
	stop1 := startWriter(t, w1)
	c, evs := sampleCall(time.Now().UTC().Truncate(time.Millisecond))
	w1.Call(c)
	for _, e := range evs {
		w1.Event(e)
	}
	if err := w1.Flush(flushCtx(t)); !errors.Is(err, spool.ErrSpooled) {
		t.Fatalf("Flush = %v, want ErrSpooled", err)
	}
	stop1()
	restore()

	w2, err := spool.NewWriter(st, spool.WriterOptions{Dir: dir, Log: newTestLog(t).log})
	if err != nil {
		t.Fatal(err)
	}
	startWriter(t, w2)
	if err := w2.Flush(flushCtx(t)); err != nil {
		t.Fatal(err)
	}
	_, gotEvs, err := st.GetCall(context.Background(), c.ID)
	if err != nil || len(gotEvs) != len(evs) {
		t.Fatalf("after replay: %d events, err %v", len(gotEvs), err)
	}
}

// A record the store refuses as invalid is dropped (and logged) without
// taking the good records of its batch with it or blocking the queue.
func TestWriterDropsOnlyInvalidRecords(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	w, err := spool.NewWriter(st, spool.WriterOptions{Dir: t.TempDir(), Log: newTestLog(t).log})
	if err != nil {
		t.Fatal(err)
	}
	c, evs := sampleCall(time.Now().UTC().Truncate(time.Millisecond))
	w.Call(c)
	w.Event(record.Event{ID: ulid.Make().String(), CallID: c.ID, At: time.Now(), Type: ""}) // invalid: no type
	for _, e := range evs {
		w.Event(e)
	}
	startWriter(t, w) // start after queueing so all land in one batch
	if err := w.Flush(flushCtx(t)); err != nil {
		t.Fatal(err)
	}
	_, gotEvs, err := st.GetCall(context.Background(), c.ID)
	if err != nil || len(gotEvs) != len(evs) {
		t.Fatalf("%d events stored, err %v; want the %d valid ones", len(gotEvs), err, len(evs))
	}
	if files, _ := w.SpoolFiles(); len(files) != 0 {
		t.Fatalf("invalid record spooled forever: %v", files)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o640); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkWriterToPostgres: records through the writer into a real store,
// flushed per iteration (one call summary and three events).
func BenchmarkWriterToPostgres(b *testing.B) {
	st := pgtest.NewStore(b)
	w, err := spool.NewWriter(st, spool.WriterOptions{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	at := time.Now().UTC()
	for b.Loop() {
		c, evs := sampleCall(at)
		w.Call(c)
		for _, e := range evs {
			w.Event(e)
		}
		if err := w.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// With the queue full, records go straight to the spool, and Run replays
// them: none is lost.
func TestWriterQueueFullSpoolsAndReplays(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	w, err := spool.NewWriter(st, spool.WriterOptions{Dir: t.TempDir(), Queue: 1, Log: newTestLog(t).log})
	if err != nil {
		t.Fatal(err)
	}
	c, evs := sampleCall(time.Now().UTC().Truncate(time.Millisecond))
	w.Call(c) // queued
	for _, e := range evs {
		w.Event(e) // the queue is full: spooled
	}
	if files, _ := w.SpoolFiles(); len(files) != len(evs) {
		t.Fatalf("%d spool files, want one per event that found the queue full (%d)", len(files), len(evs))
	}
	startWriter(t, w)
	if err := w.Flush(flushCtx(t)); err != nil {
		t.Fatal(err)
	}
	_, gotEvs, err := st.GetCall(context.Background(), c.ID)
	if err != nil || len(gotEvs) != len(evs) {
		t.Fatalf("after replay: %d events, err %v; want %d", len(gotEvs), err, len(evs))
	}
	if files, _ := w.SpoolFiles(); len(files) != 0 {
		t.Fatalf("spool not emptied: %v", files)
	}
}
