package console

import (
	"slices"
	"strings"
	"sync"
	"time"

	"callsvc/api/record"
)

// Stages of a live call, as the wallboard counts them.
const (
	StageMenu    = "menu"    // with the machine: greeting, menu, recording, a message
	StageWaiting = "waiting" // waiting for a person: their phone rings
	StageTalking = "talking" // with a person
	StageHold    = "hold"    // on hold: the person consults a colleague, or is asked for an urgent answer
)

// LiveCall is one call in progress.
type LiveCall struct {
	ID           string
	CallerNumber string
	CallerName   string
	Intent       string
	Stage        string
	ArrivedAt    time.Time
	Since        time.Time // when the stage began
	StaffID      string    // the person it is with or ringing, if any
}

// LiveCalls is what the console needs to show calls now. Board is one.
type LiveCalls interface {
	LiveCalls() []LiveCall
}

// Board follows the calls in progress from the engine's own record stream:
// cmd hands it every call summary and timeline event the engine writes
// (it has the engine's record sink's two methods), so it needs no second
// account of a call's progress. The stage of a call follows its latest
// timeline event; a summary with ended_at set removes it.
type Board struct {
	mu      sync.Mutex
	calls   map[string]*LiveCall
	ended   map[string]time.Time // a late event of an ended call must not bring it back
	last    time.Time            // the newest record seen (event time)
	changed chan struct{}
}

// NewBoard makes an empty board.
func NewBoard() *Board {
	return &Board{calls: map[string]*LiveCall{}, ended: map[string]time.Time{}, changed: make(chan struct{}, 1)}
}

// stageAfter is the stage a call is in after an event of type typ; ""
// leaves it as it was.
func stageAfter(typ, cur string) string {
	switch typ {
	case "arrived", "ringing", "answered", "greeted", "menu_choice", "menu_fallback", "name_lookup",
		"routed", "recording_started", "message_recording", "staff_left", "away", "anything_else",
		"urgent_declined", "urgent_timeout", "urgent_unavailable", "callback_requested", "callback_promised":
		return StageMenu
	case "ringing_staff", "transfer_next", "staff_answered", "whisper_played":
		if cur == StageHold {
			return StageHold // an attended transfer rings the colleague while the caller holds
		}
		return StageWaiting
	case "connected", "consult_abandoned", "transfer_cancelled", "urgent_accepted":
		return StageTalking
	case "consult_started", "consult_connected", "urgent_requested":
		return StageHold
	}
	return ""
}

// Event takes one timeline event.
func (b *Board) Event(e record.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, gone := b.ended[e.CallID]; gone {
		return
	}
	lc := b.get(e.CallID, e.At)
	if st := stageAfter(string(e.Type), lc.Stage); st != "" && st != lc.Stage {
		lc.Stage, lc.Since = st, e.At
	}
	switch e.Type {
	case "ringing_staff", "connected", "urgent_requested", "consult_started":
		if e.StaffID != "" {
			lc.StaffID = e.StaffID
		}
	case "staff_left":
		lc.StaffID = ""
	}
	b.touch(e.At)
}

// Call takes one call summary.
func (b *Board) Call(c record.Call) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c.EndedAt != nil {
		delete(b.calls, c.ID)
		b.ended[c.ID] = *c.EndedAt
		b.prune(*c.EndedAt)
		b.touch(*c.EndedAt)
		return
	}
	if _, gone := b.ended[c.ID]; gone {
		return
	}
	lc := b.get(c.ID, c.ArrivedAt)
	lc.CallerNumber, lc.CallerName, lc.Intent, lc.ArrivedAt = c.CallerNumber, c.CallerName, c.Intent, c.ArrivedAt
	b.touch(c.UpdatedAt)
}

func (b *Board) get(id string, at time.Time) *LiveCall {
	lc := b.calls[id]
	if lc == nil {
		lc = &LiveCall{ID: id, Stage: StageMenu, ArrivedAt: at, Since: at}
		b.calls[id] = lc
	}
	return lc
}

// prune forgets ended calls long gone: their late records no longer come.
func (b *Board) prune(now time.Time) {
	for id, at := range b.ended {
		if now.Sub(at) > 10*time.Minute {
			delete(b.ended, id)
		}
	}
}

func (b *Board) touch(at time.Time) {
	if at.After(b.last) {
		b.last = at
	}
	select {
	case b.changed <- struct{}{}:
	default:
	}
}

// LiveCalls lists the calls in progress, longest first.
func (b *Board) LiveCalls() []LiveCall {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]LiveCall, 0, len(b.calls))
	for _, lc := range b.calls {
		out = append(out, *lc)
	}
	slices.SortFunc(out, func(x, y LiveCall) int {
		if c := x.ArrivedAt.Compare(y.ArrivedAt); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	return out
}

// LastChange is the time of the newest record the board has seen.
func (b *Board) LastChange() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// Changed is signalled (without blocking, at most one pending) after each
// record, so the wallboard redraws at once.
func (b *Board) Changed() <-chan struct{} { return b.changed }
