package console

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"callsvc/api"
	"callsvc/api/client"
	"callsvc/api/record"
)

// card is the live call on a person's screen, built from the screen pop
// the engine sent them (the call's context) and the records it names.
type card struct {
	State    string // offered, connected, ended, missed, urgent
	CallID   string
	EventID  int64
	EventAt  time.Time
	Who      string
	Number   string
	Company  string
	VIP      bool
	Known    bool
	Intent   string
	Path     []string
	Notes    []string
	Chain    []string
	Owner    string
	Clips    []string
	Arrived  time.Time
	Waited   time.Duration
	Rings    int
	Attempts int
	Live     bool // actions on the call are offered
	People   []person
	Depts    []string
	// The customer's open complaint cases and promised callbacks, and the
	// actions "promise a callback" and "flag a complaint", join the card
	// when the promises and cases issues land (their reads go through the
	// API like the rest).
}

// cardStates are the screen-pop types that change the card.
var cardStates = map[string]bool{"offered": true, "connected": true, "ended": true, "missed": true, "urgent": true, "urgent_closed": true}

// buildCard reads what the card shows for e, a screen pop in the person's
// own stream: the customer file and the call record it names are read
// because the call was offered to them.
func (c *Console) buildCard(ctx context.Context, me string, e record.AgentEvent) (*card, error) {
	cc := e.Context
	k := &card{State: e.Type, CallID: e.CallID, EventID: e.ID, EventAt: e.At, Number: cc.CallerNumber,
		Who: cc.CallerName, Company: cc.Company, VIP: cc.VIP, Intent: cc.Intent, Path: cc.MenuPath,
		Notes: cc.Notes, Attempts: cc.Attempts}
	if k.State == "urgent_closed" {
		k.State = "ended"
	}
	k.Live = k.State == "offered" || k.State == "connected" || k.State == "urgent"
	if cc.CustomerID != "" {
		if cust, err := c.cfg.Store.GetCustomer(ctx, cc.CustomerID); err == nil {
			k.Known = true
			if cust.Surname != "" {
				k.Who = cust.Surname + cust.Title
			} else {
				k.Who = cust.Name
			}
			k.Company, k.VIP = cust.Company, cust.VIP
		}
	}
	if call, events, err := c.cfg.Store.GetCall(ctx, e.CallID); err == nil {
		k.Arrived, k.Rings = call.ArrivedAt, call.RingsToAnswer
		k.Waited = e.At.Sub(call.ArrivedAt)
		for _, ev := range events {
			if ev.Type == "recording_kept" {
				if l := (reader{}).sentence(ev); l.Clip != "" {
					k.Clips = append(k.Clips, l.Clip)
				}
			}
		}
	} else if !record.IsNotFound(err) {
		return nil, err
	}
	if cc.ReasonClip != "" && !contains(k.Clips, cc.ReasonClip) {
		k.Clips = append(k.Clips, cc.ReasonClip)
	}
	staff, err := c.allStaff(ctx)
	if err != nil {
		return nil, err
	}
	name := namer(staff)
	for _, id := range cc.Chain {
		k.Chain = append(k.Chain, name(id))
	}
	if cc.OwnerStaffID != "" {
		k.Owner = name(cc.OwnerStaffID)
	}
	if k.Live {
		people, err := c.directory(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			if p.ID != me {
				k.People = append(k.People, p)
			}
		}
		k.Depts = departments(people)
	}
	return k, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// agentView is the desk page. My callbacks due today (with countdowns,
// overdue in red) join it when the promises issue lands.
type agentView struct {
	Card     *card
	After    int64
	Presence presenceView
	Messages messagesView
	Recent   recentView
}

// agentPage is a person's desk: the live call card (pushed), their
// presence, messages and recent calls.
func (c *Console) agentPage(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	if s.tok.StaffID == "" {
		c.fail(w, r, http.StatusForbidden, "err.forbidden")
		return
	}
	ctx := r.Context()
	var v agentView
	// The newest screen pops say what is on the person's screen now; the
	// stream then goes on after the newest.
	if tail, ok := c.cfg.Store.(AgentEventTail); ok {
		evs, err := tail.AgentEventsTail(ctx, s.tok.StaffID, 20)
		if err != nil {
			c.failErr(w, r, err)
			return
		}
		for _, e := range evs {
			v.After = max(v.After, e.ID)
		}
		for i := len(evs) - 1; i >= 0; i-- {
			e := evs[i]
			if !cardStates[e.Type] {
				continue
			}
			// A call that ended long ago is not "on the screen" any more.
			if e.Type == "offered" || e.Type == "connected" || e.Type == "urgent" || c.cfg.Now().Sub(e.At) < 10*time.Minute {
				if v.Card, err = c.buildCard(ctx, s.tok.StaffID, e); err != nil {
					c.failErr(w, r, err)
					return
				}
			}
			break
		}
	}
	var err error
	if v.Presence, err = c.presenceView(r); err != nil {
		c.failErr(w, r, err)
		return
	}
	if v.Messages, err = c.myMessages(r); err != nil {
		c.failErr(w, r, err)
		return
	}
	if v.Recent, err = c.recent(r); err != nil {
		c.failErr(w, r, err)
		return
	}
	c.page(w, r, "agent.html", "agent", "nav.agent", v)
}

// agentStream pushes the person's screen pops as they come: the card as
// HTML ("card"), and a nudge to reload the messages or presence panel.
// It reads the same stream the API's /v1/agents/{id}/events serves.
func (c *Console) agentStream(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	if s.tok.StaffID == "" {
		http.Error(w, "no staff member", http.StatusForbidden)
		return
	}
	src := c.cfg.AgentEvents
	if src == nil {
		http.Error(w, "screen pops are not available here", http.StatusServiceUnavailable)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if v, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil && v > after {
		after = v
	}
	lang := langOf(r)
	sse, ok := startSSE(w)
	if !ok {
		return
	}
	ctx := r.Context()
	poll := time.NewTicker(c.cfg.Poll)
	defer poll.Stop()
	recheck := time.NewTicker(c.cfg.TokenRecheck)
	defer recheck.Stop()
	idle := time.Now()
	for {
		evs, err := src.AgentEventsAfter(ctx, s.tok.StaffID, after, 100)
		if err != nil {
			c.cfg.Logger.Warn().Err(err).Str("staff_id", s.tok.StaffID).Msg("console: screen-pop stream ended")
			return // the browser reconnects
		}
		// Of a backlog (a stream that reconnects), only the newest card
		// matters; panels are nudged once each.
		lastCard := -1
		for i, e := range evs {
			if cardStates[e.Type] {
				lastCard = i
			}
		}
		nudged := map[string]bool{}
		for i, e := range evs {
			after = e.ID
			name, html := "", ""
			switch {
			case cardStates[e.Type] && i == lastCard:
				k, err := c.buildCard(ctx, s.tok.StaffID, e)
				if err != nil {
					c.cfg.Logger.Warn().Err(err).Str("staff_id", s.tok.StaffID).Msg("console: screen-pop stream ended")
					return
				}
				if html, err = c.renderString(lang, "card", k); err != nil {
					c.cfg.Logger.Error().Err(err).Msg("console: render card")
					return
				}
				name = "card"
			case e.Type == "message" && !nudged["messages"]:
				name, html = "messages", "1"
			case e.Type == record.AgentEventPresence && !nudged["presence"]:
				name, html = "presence", "1"
			default:
				continue
			}
			nudged[name] = true
			if sse.send(e.ID, name, html) != nil {
				return
			}
			idle = time.Now()
		}
		if time.Since(idle) > 15*time.Second {
			if sse.comment("keep-alive") != nil {
				return
			}
			idle = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-recheck.C:
			if _, err := c.lookup(ctx, s.secret); err != nil {
				return // revoked: the stream ends; the page is sent to sign in
			}
		case <-poll.C:
		}
	}
}

// presenceView is the person's presence panel.
type presenceView struct {
	P        record.Presence
	Statuses []string
	Back     string // HH:MM of back_at, in the company's zone
	Flash    flash
}

func (c *Console) presenceView(r *http.Request) (presenceView, error) {
	s := sessionOf(r)
	p, err := c.apiClient(s.secret).GetPresence(r.Context(), s.tok.StaffID)
	if err != nil {
		return presenceView{}, err
	}
	v := presenceView{P: p, Statuses: record.PresenceStatuses}
	if p.BackAt != nil {
		v.Back = p.BackAt.In(c.cfg.Location).Format("15:04")
	}
	return v, nil
}

func (c *Console) presencePanel(w http.ResponseWriter, r *http.Request) {
	v, err := c.presenceView(r)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	c.fragment(w, r, "presence", v)
}

// setPresence sets the person's own presence through the API.
func (c *Console) setPresence(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	u := client.PresenceUpdate{Status: r.PostFormValue("status"), Note: strings.TrimSpace(r.PostFormValue("note"))}
	if u.Status == record.PresenceOut || u.Status == record.PresenceEvent {
		u.Where = strings.TrimSpace(r.PostFormValue("where"))
	}
	if back := strings.TrimSpace(r.PostFormValue("back")); back != "" && u.Status == record.PresenceOut {
		at, err := backAt(back, c.cfg.Now(), c.cfg.Location)
		if err != nil {
			c.failErr(w, r, record.Errorf(record.EInvalid, "back at: give a time as HH:MM"))
			return
		}
		u.BackAt = &at
	}
	if _, err := c.apiClient(s.secret).SetPresence(r.Context(), s.tok.StaffID, u); err != nil {
		c.failErr(w, r, err)
		return
	}
	v, err := c.presenceView(r)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	v.Flash.OK = tr(langOf(r), "me.updated")
	c.fragment(w, r, "presence", v)
}

// backAt reads "HH:MM" as the next such time of day in loc after now.
func backAt(hhmm string, now time.Time, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("15:04", hhmm, loc)
	if err != nil {
		return time.Time{}, err
	}
	n := now.In(loc)
	at := time.Date(n.Year(), n.Month(), n.Day(), t.Hour(), t.Minute(), 0, 0, loc)
	if !at.After(now) {
		at = at.AddDate(0, 0, 1)
	}
	return at.UTC(), nil
}

// messagesView is a list of messages.
type messagesView struct {
	Messages []record.Message
	Names    map[string]string
	Status   string
	Flash    flash
}

func (c *Console) myMessages(r *http.Request) (messagesView, error) {
	s := sessionOf(r)
	page, err := c.apiClient(s.secret).ListMessages(r.Context(), record.MessageFilter{Status: record.MessageNew, Limit: 20})
	if err != nil {
		return messagesView{}, err
	}
	return messagesView{Messages: page.Messages, Status: record.MessageNew}, nil
}

func (c *Console) myMessagesPanel(w http.ResponseWriter, r *http.Request) {
	v, err := c.myMessages(r)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	c.fragment(w, r, "mymessages", v)
}

// recentView is the person's latest calls.
type recentView struct {
	Calls []record.Call
}

func (c *Console) recent(r *http.Request) (recentView, error) {
	s := sessionOf(r)
	page, err := c.apiClient(s.secret).ListCalls(r.Context(), record.CallFilter{Limit: 8})
	if err != nil {
		return recentView{}, err
	}
	return recentView{Calls: page.Calls}, nil
}

func (c *Console) recentPanel(w http.ResponseWriter, r *http.Request) {
	v, err := c.recent(r)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	c.fragment(w, r, "recent", v)
}

// addNote puts a note on a call through the API (it travels with a live
// call to the next person).
func (c *Console) addNote(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	id := chi.URLParam(r, "id")
	text := strings.TrimSpace(r.PostFormValue("text"))
	live, err := c.apiClient(s.secret).AddNote(r.Context(), id, text)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	key := "act.noted"
	if live {
		key = "act.noted.live"
	}
	c.fragment(w, r, "noted", struct {
		Flash flash
		Text  string
	}{flash{OK: tr(langOf(r), key)}, strings.Join(strings.Fields(text), " ")})
}

// transfer passes a live call on through the API: blind or attended to a
// person, an extension or a department; then complete or cancel.
func (c *Console) transfer(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	req := record.TransferRequest{CallID: chi.URLParam(r, "id"), Mode: r.PostFormValue("mode"),
		Note: strings.TrimSpace(r.PostFormValue("note"))}
	if req.Mode == record.TransferBlind || req.Mode == record.TransferAttended {
		switch r.PostFormValue("to") {
		case "ext":
			req.ToExtension = strings.TrimSpace(r.PostFormValue("extension"))
		case "dept":
			req.ToDepartment = r.PostFormValue("department")
		default:
			req.ToStaffID = r.PostFormValue("person")
		}
	}
	res, err := c.apiClient(s.secret).Transfer(r.Context(), req)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	lang := langOf(r)
	target := res.TargetStaffID
	if staff, err := c.allStaff(r.Context()); err == nil && target != "" {
		target = namer(staff)(target)
	}
	v := transferView{CallID: req.CallID, Mode: res.Mode}
	switch res.Status {
	case "ringing":
		v.Flash.OK = tr(lang, "act.ringing", target)
		v.Pending = res.Mode == record.TransferAttended
	case "completed":
		v.Flash.OK = tr(lang, "act.completed")
	case "cancelled":
		v.Flash.OK = tr(lang, "act.cancelled")
	case "away":
		v.Flash.OK = tr(lang, "act.away", target)
	default:
		v.Flash.OK = tr(lang, "act.done")
	}
	c.fragment(w, r, "transferred", v)
}

// transferView is the answer to a transfer: what happened, and for an
// attended transfer that rings, the buttons to complete or cancel it.
type transferView struct {
	CallID  string
	Mode    string
	Pending bool
	Flash   flash
}

// answerUrgent passes the person's answer to an urgent caller through the API.
func (c *Console) answerUrgent(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	accept := r.PostFormValue("answer") == "accept"
	if err := c.apiClient(s.secret).AnswerUrgent(r.Context(), chi.URLParam(r, "id"), accept); err != nil {
		c.failErr(w, r, err)
		return
	}
	c.fragment(w, r, "flash", flash{OK: tr(langOf(r), "act.urgent.ok")})
}

// handleMessage marks a message handled through the API.
func (c *Console) handleMessage(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	if _, err := c.apiClient(s.secret).HandleMessage(r.Context(), chi.URLParam(r, "id")); err != nil {
		c.failErr(w, r, err)
		return
	}
	c.fragment(w, r, "handled", nil)
}

// messageAudio and exportCalls are the API's own routes, answered in place
// with the person's token: same checks, same bytes.
func (c *Console) messageAudio(w http.ResponseWriter, r *http.Request) {
	c.proxy(w, r, "/v1/messages/"+chi.URLParam(r, "id")+"/audio", "")
}

func (c *Console) exportCalls(w http.ResponseWriter, r *http.Request) {
	c.proxy(w, r, "/v1/calls.csv", apiQuery(r).Encode())
}

// proxy serves an API route to the browser with the person's token.
func (c *Console) proxy(w http.ResponseWriter, r *http.Request, path, query string) {
	s := sessionOf(r)
	u := apiBase + path
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, u, nil)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	req.Header.Set("Authorization", "Bearer "+s.secret)
	req.Header.Set(api.RequestIDHeader, api.RequestID(r.Context()))
	resp, err := c.hc.Do(req)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		c.failErr(w, r, apiError(resp.StatusCode, body))
		return
	}
	for _, h := range []string{"Content-Type", "Content-Disposition", "Content-Length"} {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, resp.Body)
}

// apiError reads an API error body into a *record.Error.
func apiError(status int, body []byte) error {
	var eb api.ErrorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error.Code != "" {
		return record.Errorf(eb.Error.Code, "%s", eb.Error.Message)
	}
	return record.Errorf(record.EInternal, "the API answered HTTP %d", status)
}
