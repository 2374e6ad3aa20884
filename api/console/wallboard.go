package console

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"callsvc/api/record"
)

// boardView is everything the wallboard shows.
type boardView struct {
	Day     string    // today, in the company's zone
	EventAt time.Time // the newest call record the figures reflect (for latency)
	// Today's figures: the summary report's row for today (by=day in the
	// company's zone), the very same query /v1/reports/summary runs.
	Today           record.SummaryRow
	MessagesWaiting int
	Stages          []stageCount
	Calls           []liveRow
	LongestSince    time.Time // the caller waiting longest for a person; zero: nobody waits
	StaffCounts     []stageCount
	People          []person
	// Later issues add promises kept on time, callbacks due and overdue,
	// and satisfaction here, each as figures for today.
}

type stageCount struct {
	Key string
	N   int
}

type liveRow struct {
	LiveCall
	Person string
}

// today is [midnight, next midnight) of now's day in loc.
func today(now time.Time, loc *time.Location) (time.Time, time.Time) {
	n := now.In(loc)
	from := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 1)
}

// lastChanger is a live-call source that knows when it last changed (Board).
type lastChanger interface{ LastChange() time.Time }

// computeBoard reads the wallboard's figures.
func (c *Console) computeBoard(ctx context.Context) (boardView, error) {
	now := c.cfg.Now()
	from, to := today(now, c.cfg.Location)
	v := boardView{Day: from.Format("2006-01-02")}
	rows, err := c.cfg.Store.Summary(ctx, record.SummaryQuery{From: from, To: to, By: record.ByDay, Location: c.cfg.Location})
	if err != nil {
		return v, err
	}
	if len(rows) > 0 {
		v.Today = rows[0]
	}
	v.Today.Key = v.Day
	cursor := ""
	for {
		page, err := c.cfg.Store.ListMessages(ctx, record.MessageFilter{Status: record.MessageNew, Limit: 1000, Cursor: cursor})
		if err != nil {
			return v, err
		}
		v.MessagesWaiting += len(page.Messages)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	people, err := c.directory(ctx)
	if err != nil {
		return v, err
	}
	v.People = people
	names := map[string]string{}
	counts := map[string]int{}
	for _, p := range people {
		names[p.ID] = p.Name
		counts[p.Status]++
	}
	for _, st := range []string{record.PresenceAvailable, record.PresenceOnCall, record.PresenceMeeting, record.PresenceVisitor,
		record.PresenceOut, record.PresenceEvent, record.PresenceUnreachable, record.PresenceOffDuty} {
		v.StaffCounts = append(v.StaffCounts, stageCount{st, counts[st]})
	}
	stages := map[string]int{}
	if c.cfg.Live != nil {
		for _, lc := range c.cfg.Live.LiveCalls() {
			stages[lc.Stage]++
			v.Calls = append(v.Calls, liveRow{LiveCall: lc, Person: names[lc.StaffID]})
			if lc.Stage == StageWaiting && (v.LongestSince.IsZero() || lc.Since.Before(v.LongestSince)) {
				v.LongestSince = lc.Since
			}
		}
		if lc, ok := c.cfg.Live.(lastChanger); ok {
			v.EventAt = lc.LastChange()
		}
	}
	for _, st := range []string{StageMenu, StageWaiting, StageTalking, StageHold} {
		v.Stages = append(v.Stages, stageCount{st, stages[st]})
	}
	return v, nil
}

// hub computes the wallboard once for all its viewers: on every change of
// the live calls and every poll of the store, and pushes it to them only
// when it changed. It runs while someone watches.
type hub struct {
	compute func(context.Context) (boardView, error)
	poll    time.Duration
	wake    <-chan struct{}

	mu      sync.Mutex
	subs    map[chan boardView]struct{}
	cur     *boardView
	running bool
}

func newHub(compute func(context.Context) (boardView, error), poll time.Duration, live LiveCalls) *hub {
	h := &hub{compute: compute, poll: poll, subs: map[chan boardView]struct{}{}}
	if b, ok := live.(interface{ Changed() <-chan struct{} }); ok {
		h.wake = b.Changed()
	}
	return h
}

// subscribe returns a channel of wallboards (the latest first, if any)
// and a function to leave.
func (h *hub) subscribe() (<-chan boardView, func()) {
	ch := make(chan boardView, 1)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	if h.cur != nil {
		ch <- *h.cur
	}
	if !h.running {
		h.running = true
		go h.run()
	}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

func (h *hub) run() {
	t := time.NewTicker(h.poll)
	defer t.Stop()
	var last []byte
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		v, err := h.compute(ctx)
		cancel()
		if err == nil {
			if key, _ := json.Marshal(v); string(key) != string(last) {
				last = key
				h.publish(v)
			}
		}
		h.mu.Lock()
		if len(h.subs) == 0 {
			h.running, h.cur = false, nil
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
		select {
		case <-t.C:
		case <-h.wake:
		}
	}
}

// publish hands v to every viewer; one still busy with the previous
// wallboard gets this one instead (only the newest matters).
func (h *hub) publish(v boardView) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cur = &v
	for ch := range h.subs {
		select {
		case <-ch:
		default:
		}
		ch <- v
	}
}

func (c *Console) wallboardPage(w http.ResponseWriter, r *http.Request) {
	v, err := c.computeBoard(r.Context())
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	c.page(w, r, "wallboard.html", "board", "board.title", v)
}

// wallboardStream pushes the wallboard as HTML whenever it changes.
func (c *Console) wallboardStream(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	lang := langOf(r)
	sse, ok := startSSE(w)
	if !ok {
		return
	}
	boards, leave := c.board.subscribe()
	defer leave()
	ctx := r.Context()
	recheck := time.NewTicker(c.cfg.TokenRecheck)
	defer recheck.Stop()
	keep := time.NewTicker(15 * time.Second)
	defer keep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-recheck.C:
			if _, err := c.lookup(ctx, s.secret); err != nil {
				return
			}
		case <-keep.C:
			if sse.comment("keep-alive") != nil {
				return
			}
		case v := <-boards:
			html, err := c.renderString(lang, "board", v)
			if err != nil {
				c.cfg.Logger.Error().Err(err).Msg("console: render wallboard")
				return
			}
			if sse.send(0, "board", html) != nil {
				return
			}
		}
	}
}
