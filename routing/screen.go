package routing

import (
	"context"
	"time"

	"callsvc/api/record"
)

// AgentEventStore keeps screen-pop events (api/postgres implements it).
type AgentEventStore interface {
	AppendAgentEvents(ctx context.Context, evs []record.AgentEvent) ([]record.AgentEvent, error)
}

// ScreenWriter is a ScreenSink that stores screen pops off the call's
// path: AgentEvent never blocks; Run writes them in order. Screen pops are
// a convenience for people, the timeline is the record: when the buffer is
// full (the store is down for long) new pops are dropped and logged, never
// waited for.
type ScreenWriter struct {
	st  AgentEventStore
	ch  chan record.AgentEvent
	log LogFunc
}

// NewScreenWriter buffers up to buffer events (0: 4096) for st.
func NewScreenWriter(st AgentEventStore, buffer int, log LogFunc) *ScreenWriter {
	if buffer <= 0 {
		buffer = 4096
	}
	if log == nil {
		log = func(string, string, map[string]any) {}
	}
	return &ScreenWriter{st: st, ch: make(chan record.AgentEvent, buffer), log: log}
}

// AgentEvent queues e.
func (w *ScreenWriter) AgentEvent(e record.AgentEvent) {
	select {
	case w.ch <- e:
	default:
		w.log("warn", "screen pop dropped: buffer full", map[string]any{"call_id": e.CallID, "staff_id": e.StaffID, "type": e.Type})
	}
}

// Run stores queued events until ctx ends, in batches, retrying a failed
// batch a few times.
func (w *ScreenWriter) Run(ctx context.Context) {
	for {
		var batch []record.AgentEvent
		select {
		case <-ctx.Done():
			return
		case e := <-w.ch:
			batch = append(batch, e)
		}
	fill:
		for len(batch) < 100 {
			select {
			case e := <-w.ch:
				batch = append(batch, e)
			default:
				break fill
			}
		}
		for try := 0; ; try++ {
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			done, err := w.st.AppendAgentEvents(wctx, batch)
			cancel()
			batch = batch[len(done):]
			if err == nil || len(batch) == 0 {
				break
			}
			if try == 2 || ctx.Err() != nil {
				w.log("warn", "screen pops not stored", map[string]any{"dropped": len(batch), "error": err.Error()})
				break
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(try+1) * 200 * time.Millisecond):
			}
		}
	}
}
