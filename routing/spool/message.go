package spool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"callsvc/api/record"
	"callsvc/routing"
)

// MessageStore keeps messages and their audio: api/postgres's Store
// implements it. Both writes are idempotent by message id (the same
// message or the same audio again is a no-op).
type MessageStore interface {
	CreateMessage(ctx context.Context, m record.Message) (record.Message, bool, error)
	PutMessageAudio(ctx context.Context, id string, wav []byte) error
}

// RecordingFetcher downloads a stored recording's file from the Asterisk
// node that made it (routing/arictl implements it).
type RecordingFetcher interface {
	FetchRecording(ctx context.Context, node, name string) ([]byte, error)
}

// MessageWriterOptions configure a MessageWriter.
type MessageWriterOptions struct {
	// Dir holds every message until it is stored with its audio and the
	// person notified (required): nothing is lost to a store outage or a
	// restart.
	Dir string
	// Fetcher gets the audio from Asterisk (required).
	Fetcher RecordingFetcher
	// Notifier tells the person (a webhook); nil: the screen pop only.
	Notifier routing.PersonNotifier
	// Retry is the pause between passes over messages not yet stored
	// (default 5 s); WriteTimeout bounds each step (default 30 s).
	Retry        time.Duration
	WriteTimeout time.Duration
	// AudioTries bounds the tries to fetch a message's audio before it is
	// stored without (Asterisk lost it); default 20.
	AudioTries int
	Log        routing.LogFunc
}

// MessageWriter is a routing.MessageSink that stores messages off the call's path:
// Message spools the message to disk at once; Run fetches its audio from
// Asterisk, stores message and audio, notifies the person and only then
// deletes the spool file. A failed step is retried on the next pass from
// where it stopped; replaying a step is harmless (writes are idempotent by
// message id), so a crash between a write and the spool update loses
// nothing and doubles nothing.
type MessageWriter struct {
	st   MessageStore
	o    MessageWriterOptions
	kick chan struct{}

	mu     sync.Mutex
	passed chan struct{} // closed after each pass
	held   map[string]spooledMessage
}

// spooledMessage is one message's spool file: what is done so far.
type spooledMessage struct {
	Message     record.Message `json:"message"`
	Node        string         `json:"node"`
	Audio       []byte         `json:"audio,omitempty"`
	AudioTries  int            `json:"audio_tries,omitempty"`
	NoAudio     bool           `json:"no_audio,omitempty"` // gave up fetching it
	Stored      bool           `json:"stored,omitempty"`
	AudioStored bool           `json:"audio_stored,omitempty"`
}

var _ routing.MessageSink = (*MessageWriter)(nil)

// NewMessageWriter checks o and creates the spool directory.
func NewMessageWriter(st MessageStore, o MessageWriterOptions) (*MessageWriter, error) {
	switch {
	case st == nil:
		return nil, errors.New("new message writer: no store")
	case o.Fetcher == nil:
		return nil, errors.New("new message writer: no recording fetcher")
	case o.Dir == "":
		return nil, errors.New("new message writer: no spool directory")
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("new message writer: spool dir: %w", err)
	}
	if o.Retry <= 0 {
		o.Retry = 5 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 30 * time.Second
	}
	if o.AudioTries <= 0 {
		o.AudioTries = 20
	}
	if o.Log == nil {
		o.Log = func(string, string, map[string]any) {}
	}
	return &MessageWriter{st: st, o: o, kick: make(chan struct{}, 1), passed: make(chan struct{}),
		held: map[string]spooledMessage{}}, nil
}

// Message spools m (its recording is on node) and wakes Run. If the spool
// cannot be written it is held in memory and retried.
func (w *MessageWriter) Message(m record.Message, node string) {
	sm := spooledMessage{Message: m, Node: node}
	if err := w.save(sm); err != nil {
		w.o.Log("error", "message spool failed; held in memory", map[string]any{"call_id": m.CallID, "message_id": m.ID, "error": err.Error()})
		w.mu.Lock()
		w.held[m.ID] = sm
		w.mu.Unlock()
	}
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

func (w *MessageWriter) path(id string) string {
	return filepath.Join(w.o.Dir, "message-"+id+".json")
}

// save writes sm's spool file atomically (a new file, then rename).
func (w *MessageWriter) save(sm spooledMessage) error {
	b, err := json.Marshal(sm)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	tmp := w.path(sm.Message.ID) + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write spool: %w", err)
	}
	if err := os.Rename(tmp, w.path(sm.Message.ID)); err != nil {
		return fmt.Errorf("rename spool: %w", err)
	}
	return nil
}

// Run stores spooled messages until ctx ends: at once, when Message is
// called, and every Retry while some are left.
func (w *MessageWriter) Run(ctx context.Context) {
	t := time.NewTicker(w.o.Retry)
	defer t.Stop()
	for {
		w.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		case <-t.C:
		}
	}
}

// Pending is how many messages are not yet fully stored.
func (w *MessageWriter) Pending() int {
	names, _ := filepath.Glob(filepath.Join(w.o.Dir, "message-*.json"))
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(names) + len(w.held)
}

// Flush waits until every message is stored (Run must be running), or ctx
// ends.
func (w *MessageWriter) Flush(ctx context.Context) error {
	for {
		w.mu.Lock()
		ch := w.passed
		w.mu.Unlock()
		if w.Pending() == 0 {
			return nil
		}
		select {
		case w.kick <- struct{}{}:
		default:
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("flush messages (%d left): %w", w.Pending(), ctx.Err())
		case <-ch:
		}
	}
}

// pass tries every spooled message once, oldest first (ids are ULIDs).
func (w *MessageWriter) pass(ctx context.Context) {
	defer func() {
		w.mu.Lock()
		close(w.passed)
		w.passed = make(chan struct{})
		w.mu.Unlock()
	}()
	w.mu.Lock()
	for id, sm := range w.held {
		if err := w.save(sm); err == nil {
			delete(w.held, id)
		}
	}
	w.mu.Unlock()
	names, err := filepath.Glob(filepath.Join(w.o.Dir, "message-*.json"))
	if err != nil {
		return
	}
	sort.Strings(names)
	for _, name := range names {
		if ctx.Err() != nil {
			return
		}
		b, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		var sm spooledMessage
		if err := json.Unmarshal(b, &sm); err != nil || sm.Message.ID == "" ||
			filepath.Base(name) != "message-"+sm.Message.ID+".json" {
			// Not ours to replay: set aside rather than retried for ever.
			w.o.Log("error", "bad message spool file set aside", map[string]any{"file": filepath.Base(name)})
			_ = os.Rename(name, strings.TrimSuffix(name, ".json")+".bad")
			continue
		}
		w.store(ctx, sm)
	}
}

// store carries one message as far as it can, saving progress after each
// step; the spool file goes once everything is done. A step that fails is
// tried again on the next pass, from where it stopped.
func (w *MessageWriter) store(ctx context.Context, sm spooledMessage) {
	if !w.fetchAudio(ctx, &sm) || !w.storeMessage(ctx, &sm) || !w.storeAudio(ctx, &sm) {
		return
	}
	w.notify(ctx, sm)
	if err := os.Remove(w.path(sm.Message.ID)); err != nil && !errors.Is(err, os.ErrNotExist) {
		w.warn(sm.Message, "remove message spool", err)
	}
}

func (w *MessageWriter) warn(m record.Message, msg string, err error) {
	w.o.Log("warn", msg, map[string]any{"call_id": m.CallID, "message_id": m.ID, "error": err.Error()})
}

// fetchAudio gets the recording from Asterisk, unless it is already in
// the spool or stored. After AudioTries failures the message goes on
// without it (Asterisk lost it); before that, false waits for the next pass.
func (w *MessageWriter) fetchAudio(ctx context.Context, sm *spooledMessage) bool {
	m := sm.Message
	if sm.Audio != nil || sm.NoAudio || sm.AudioStored || m.RecordingName == "" {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, w.o.WriteTimeout)
	audio, err := w.o.Fetcher.FetchRecording(ctx, sm.Node, m.RecordingName)
	cancel()
	if err == nil {
		sm.Audio = audio
		_ = w.save(*sm)
		return true
	}
	sm.AudioTries++
	w.warn(m, "message audio not fetched yet", err)
	sm.NoAudio = sm.AudioTries >= w.o.AudioTries
	_ = w.save(*sm)
	return sm.NoAudio
}

// storeMessage writes the message row.
func (w *MessageWriter) storeMessage(ctx context.Context, sm *spooledMessage) bool {
	if sm.Stored {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, w.o.WriteTimeout)
	stored, _, err := w.st.CreateMessage(ctx, sm.Message)
	cancel()
	if err != nil {
		w.warn(sm.Message, "message not stored yet; spooled", err)
		return false
	}
	sm.Message, sm.Stored = stored, true
	_ = w.save(*sm)
	return true
}

// storeAudio writes the audio beside the stored message. Other audio
// already stored for the message (a conflict) is kept.
func (w *MessageWriter) storeAudio(ctx context.Context, sm *spooledMessage) bool {
	if sm.AudioStored || len(sm.Audio) == 0 {
		return true
	}
	sctx, cancel := context.WithTimeout(ctx, w.o.WriteTimeout)
	err := w.st.PutMessageAudio(sctx, sm.Message.ID, sm.Audio)
	cancel()
	switch {
	case record.ErrorCode(err) == record.EConflict:
		w.warn(sm.Message, "message already has other audio; kept as stored", err)
	case err != nil:
		w.warn(sm.Message, "message audio not stored yet; spooled", err)
		return false
	}
	sm.AudioStored = true
	sm.Message.AudioBytes = len(sm.Audio)
	sm.Audio = nil // stored: the spool need not carry it any more
	_ = w.save(*sm)
	return true
}

// notify tells the person, when a Notifier is set. A failure is logged,
// not retried here: the webhook has retried already, and the message is
// stored and on the person's list and screen.
func (w *MessageWriter) notify(ctx context.Context, sm spooledMessage) {
	n := w.o.Notifier
	if n == nil {
		return
	}
	m := sm.Message
	data, _ := json.Marshal(m)
	ctx, cancel := context.WithTimeout(ctx, w.o.WriteTimeout)
	defer cancel()
	err := n.NotifyPerson(ctx, routing.Notice{ID: "message-" + m.ID, Type: routing.NoticeMessage, StaffID: m.ForStaffID, At: m.CreatedAt, Data: data})
	if err != nil {
		w.warn(m, "message notice not delivered", err)
	}
}
