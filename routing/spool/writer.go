package spool

import (
	"bufio"
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

// Recorder is where call records go, shaped like api.Store's methods so
// *postgres.Store and the API's Go client both satisfy it.
type Recorder interface {
	UpsertCalls(ctx context.Context, calls []record.Call) error
	AppendEvents(ctx context.Context, events []record.Event) (inserted int, err error)
}

// Writer sends call records to a Recorder off the call's path. Call and
// Event never block: records queue in memory and a single goroutine (Run)
// writes them in batches. When the store fails, batches go to spool files
// (JSON lines in Dir) and are replayed, oldest first, when it answers
// again; replays are harmless because events are keyed by id and a call
// summary only replaces an older one. Spool files left by an earlier
// process are replayed at start.
type Writer struct {
	rec  Recorder
	opt  WriterOptions
	in   chan item
	mu   sync.Mutex // spool files, lost count
	lost int
	seq  int
	// flush requests from Flush; answered by Run.
	flush chan chan error
	// kick tells Run that put spooled a record behind its back.
	kick chan struct{}
}

// WriterOptions tune a Writer.
type WriterOptions struct {
	Dir          string        // where failed writes wait; "" = the OS temp dir + "callsvc-spool"
	Queue        int           // in-memory queue length; default 4096
	Batch        int           // records per write; default 256
	WriteTimeout time.Duration // one write's deadline; default 5 s
	RetryMin     time.Duration // first replay delay after a failure; default 500 ms
	RetryMax     time.Duration // replay delay cap; default 30 s
	Log          routing.LogFunc
}

type item struct {
	Call  *record.Call  `json:"call,omitempty"`
	Event *record.Event `json:"event,omitempty"`
}

var _ routing.Sink = (*Writer)(nil)

// ErrSpooled is returned by Flush when records are safe on disk but not yet
// in the store.
var ErrSpooled = errors.New("records spooled, store not reachable")

// NewWriter makes a Writer; call Run to start it.
func NewWriter(rec Recorder, opt WriterOptions) (*Writer, error) {
	if rec == nil {
		return nil, errors.New("new writer: nil recorder")
	}
	if opt.Dir == "" {
		opt.Dir = filepath.Join(os.TempDir(), "callsvc-spool")
	}
	if opt.Queue <= 0 {
		opt.Queue = 4096
	}
	if opt.Batch <= 0 {
		opt.Batch = 256
	}
	if opt.WriteTimeout <= 0 {
		opt.WriteTimeout = 5 * time.Second
	}
	if opt.RetryMin <= 0 {
		opt.RetryMin = 500 * time.Millisecond
	}
	if opt.RetryMax < opt.RetryMin {
		opt.RetryMax = max(30*time.Second, opt.RetryMin)
	}
	if opt.Log == nil {
		opt.Log = func(string, string, map[string]any) {}
	}
	if err := os.MkdirAll(opt.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("new writer: spool dir: %w", err)
	}
	return &Writer{rec: rec, opt: opt, in: make(chan item, opt.Queue), flush: make(chan chan error), kick: make(chan struct{}, 1)}, nil
}

// Call queues a call summary.
func (w *Writer) Call(c record.Call) { w.put(item{Call: &c}) }

// Event queues a timeline event.
func (w *Writer) Event(e record.Event) { w.put(item{Event: &e}) }

// put never blocks: with the queue full (the writer is far behind) the
// record goes straight to the spool, so nothing is lost.
func (w *Writer) put(it item) {
	select {
	case w.in <- it:
	default:
		if err := w.spool([]item{it}); err != nil {
			w.mu.Lock()
			w.lost++
			w.mu.Unlock()
			w.opt.Log("error", "record lost: queue full and spool failed", map[string]any{"error": err.Error()})
			return
		}
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

// Lost counts records that could be neither queued nor spooled.
func (w *Writer) Lost() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lost
}

// Flush waits until everything queued so far has been written, or ctx
// ends. It returns ErrSpooled when records are waiting on disk for the store.
func (w *Writer) Flush(ctx context.Context) error {
	reply := make(chan error, 1)
	select {
	case w.flush <- reply:
	case <-ctx.Done():
		return fmt.Errorf("flush records: %w", ctx.Err())
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return fmt.Errorf("flush records: %w", ctx.Err())
	}
}

// runState is what Run keeps between wake-ups.
type runState struct {
	spooled bool          // the spool holds records: newer ones join it, to keep order
	retry   time.Duration // the delay before the next replay
	timer   *time.Timer   // fires for the next replay
}

// Run writes until ctx ends, then moves whatever is still queued to the
// spool (it is replayed next start) and returns.
func (w *Writer) Run(ctx context.Context) error {
	files, _ := w.SpoolFiles()
	// The timer fires at once: a spool left from before is replayed first.
	s := &runState{spooled: len(files) > 0, retry: w.opt.RetryMin, timer: time.NewTimer(0)}
	defer s.timer.Stop()
	for {
		select {
		case <-ctx.Done():
			w.drainToSpool()
			return nil
		case it := <-w.in:
			w.take(ctx, s, w.gather(it))
		case <-w.kick:
			if !s.spooled {
				w.startSpooling(s, 0)
			}
		case <-s.timer.C:
			if s.spooled {
				_ = w.replaySpool(ctx, s)
			}
		case reply := <-w.flush:
			reply <- w.flushQueued(ctx, s)
		}
	}
}

// take writes a batch, or spools it: behind records already spooled, or
// when the store fails.
func (w *Writer) take(ctx context.Context, s *runState, batch []item) {
	if s.spooled {
		w.spoolOrLog(batch)
		return
	}
	if err := w.write(ctx, batch); err != nil {
		if ctx.Err() == nil {
			w.opt.Log("warn", "record store unreachable, spooling", map[string]any{"error": err.Error(), "records": len(batch)})
		}
		w.spoolOrLog(batch)
		w.startSpooling(s, w.opt.RetryMin)
	}
}

// startSpooling marks the spool in use and schedules its first replay.
func (w *Writer) startSpooling(s *runState, after time.Duration) {
	s.spooled = true
	s.retry = w.opt.RetryMin
	s.timer.Reset(after)
}

// replaySpool replays the spool; when the store still fails it backs off
// (doubling the delay up to RetryMax).
func (w *Writer) replaySpool(ctx context.Context, s *runState) error {
	if err := w.replay(ctx); err != nil {
		s.retry = min(s.retry*2, w.opt.RetryMax)
		s.timer.Reset(s.retry)
		return err
	}
	s.spooled = false
	return nil
}

// flushQueued answers Flush: it writes what is queued now, then tries the
// spool once.
func (w *Writer) flushQueued(ctx context.Context, s *runState) error {
	for drained := false; !drained; {
		select {
		case it := <-w.in:
			w.take(ctx, s, w.gather(it))
		default:
			drained = true
		}
	}
	if !s.spooled {
		return nil
	}
	if err := w.replaySpool(ctx, s); err != nil {
		return fmt.Errorf("%w: %v", ErrSpooled, err)
	}
	return nil
}

// gather takes first plus whatever else is queued, up to a batch.
func (w *Writer) gather(first item) []item {
	batch := []item{first}
	for len(batch) < w.opt.Batch {
		select {
		case it := <-w.in:
			batch = append(batch, it)
		default:
			return batch
		}
	}
	return batch
}

// write stores a batch: summaries first so the call exists, then events.
// A batch the store refuses as invalid is retried record by record and
// only the bad ones are dropped (logged): they would never succeed.
func (w *Writer) write(ctx context.Context, batch []item) error {
	err := w.writeOnce(ctx, batch)
	if err == nil || record.ErrorCode(err) != record.EInvalid || len(batch) == 1 {
		if err != nil && record.ErrorCode(err) == record.EInvalid {
			w.opt.Log("error", "record refused by the store, dropped", map[string]any{"error": err.Error()})
			return nil
		}
		return err
	}
	for _, it := range batch {
		if err := w.write(ctx, []item{it}); err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) writeOnce(ctx context.Context, batch []item) error {
	var calls []record.Call
	var events []record.Event
	for _, it := range batch {
		if it.Call != nil {
			calls = append(calls, *it.Call)
		}
		if it.Event != nil {
			events = append(events, *it.Event)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, w.opt.WriteTimeout)
	defer cancel()
	if len(calls) > 0 {
		if err := w.rec.UpsertCalls(ctx, calls); err != nil {
			return fmt.Errorf("write calls: %w", err)
		}
	}
	if len(events) > 0 {
		if _, err := w.rec.AppendEvents(ctx, events); err != nil {
			return fmt.Errorf("write events: %w", err)
		}
	}
	return nil
}

func (w *Writer) spoolOrLog(batch []item) {
	if err := w.spool(batch); err != nil {
		w.mu.Lock()
		w.lost += len(batch)
		w.mu.Unlock()
		w.opt.Log("error", "records lost: spool failed", map[string]any{"error": err.Error(), "records": len(batch)})
	}
}

// spool appends a batch to the current spool file, synced so a crash
// right after keeps it.
func (w *Writer) spool(batch []item) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	name := filepath.Join(w.opt.Dir, fmt.Sprintf("spool-%020d-%06d.jsonl", time.Now().UnixNano(), w.seq))
	w.seq++
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("open spool: %w", err)
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	for _, it := range batch {
		if err := enc.Encode(it); err != nil {
			f.Close()
			return fmt.Errorf("encode spool: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write spool: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync spool: %w", err)
	}
	return f.Close()
}

// SpoolFiles lists the spool files waiting, oldest first.
func (w *Writer) SpoolFiles() ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return spoolFiles(w.opt.Dir)
}

func spoolFiles(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "spool-*.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("list spool: %w", err)
	}
	sort.Strings(names) // zero-padded time and sequence: name order is age order
	return names, nil
}

// replay writes every spool file, oldest first, deleting each once stored.
// A line that does not decode (a torn write at a crash) is skipped and
// logged rather than blocking the rest.
func (w *Writer) replay(ctx context.Context) error {
	files, err := w.SpoolFiles()
	if err != nil {
		return err
	}
	for _, name := range files {
		items, err := readSpool(name, w.opt.Log)
		if err != nil {
			return err
		}
		for start := 0; start < len(items); start += w.opt.Batch {
			end := min(start+w.opt.Batch, len(items))
			if err := w.write(ctx, items[start:end]); err != nil {
				return fmt.Errorf("replay %s: %w", filepath.Base(name), err)
			}
		}
		w.mu.Lock()
		err = os.Remove(name)
		w.mu.Unlock()
		if err != nil {
			return fmt.Errorf("remove replayed spool: %w", err)
		}
		w.opt.Log("info", "spool replayed", map[string]any{"file": filepath.Base(name), "records": len(items)})
	}
	return nil
}

func readSpool(name string, log routing.LogFunc) ([]item, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read spool: %w", err)
	}
	var items []item
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		it, err := decodeSpoolLine([]byte(line))
		if err != nil {
			log("error", "spool line skipped", map[string]any{"file": filepath.Base(name), "line": i + 1, "error": err.Error()})
			continue
		}
		items = append(items, it)
	}
	return items, nil
}

// decodeSpoolLine reads one spool line; exactly one of call and event.
func decodeSpoolLine(b []byte) (item, error) {
	var it item
	if err := json.Unmarshal(b, &it); err != nil {
		return item{}, fmt.Errorf("decode spool line: %w", err)
	}
	if (it.Call == nil) == (it.Event == nil) {
		return item{}, errors.New("decode spool line: want exactly one of call, event")
	}
	return it, nil
}

// drainToSpool saves what is still queued at shutdown.
func (w *Writer) drainToSpool() {
	var rest []item
	for {
		select {
		case it := <-w.in:
			rest = append(rest, it)
		default:
			if len(rest) > 0 {
				w.spoolOrLog(rest)
			}
			return
		}
	}
}
