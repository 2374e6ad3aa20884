package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"callsvc/api/record"
)

// logForm is the call log's filter form, as the person typed it.
type logForm struct {
	From, To, Caller, Staff, Intent, Outcome, Within, Q string
}

// callFilter reads the call log's filters (the API's own, with dates as
// days in the company's zone).
func (c *Console) callFilter(r *http.Request) (record.CallFilter, logForm, error) {
	q := r.URL.Query()
	f := logForm{From: q.Get("from"), To: q.Get("to"), Caller: strings.TrimSpace(q.Get("caller")), Staff: q.Get("staff"),
		Intent: q.Get("intent"), Outcome: q.Get("outcome"), Within: q.Get("within"), Q: strings.TrimSpace(q.Get("q"))}
	cf := record.CallFilter{CallerNumber: f.Caller, StaffID: f.Staff, Intent: f.Intent, Outcome: f.Outcome, Text: f.Q,
		Cursor: q.Get("cursor"), Limit: 50}
	for _, d := range []struct {
		s   string
		dst *time.Time
		end bool
	}{{f.From, &cf.From, false}, {f.To, &cf.To, true}} {
		if d.s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.s, c.cfg.Location)
		if err != nil {
			return cf, f, record.Errorf(record.EInvalid, "dates are YYYY-MM-DD")
		}
		if d.end {
			t = t.AddDate(0, 0, 1) // "to" includes that day
		}
		*d.dst = t
	}
	if f.Within != "" {
		n, err := strconv.Atoi(f.Within)
		if err != nil || n < 1 || n > 3 {
			return cf, f, record.Errorf(record.EInvalid, "answered within: 1 to 3 rings")
		}
		cf.WithinRings = n
	}
	return cf, f, nil
}

// apiQuery is the call log's filters as the API's query string.
func apiQuery(r *http.Request) url.Values {
	v := url.Values{}
	q := r.URL.Query()
	for from, to := range map[string]string{"caller": "caller", "staff": "staff_id", "intent": "intent",
		"outcome": "outcome", "within": "within_rings", "q": "q"} {
		if s := strings.TrimSpace(q.Get(from)); s != "" {
			v.Set(to, s)
		}
	}
	return v
}

// logView is the call log page.
type logView struct {
	Form     logForm
	Calls    []record.Call
	Names    map[string]string
	Next     string // the next page's query string
	CSV      string // the export's query string
	Staff    []record.Staff
	Intents  []string
	Outcomes []string
	Super    bool
}

var (
	intents  = []string{record.IntentOrder, record.IntentComplaint, record.IntentSuggestion, record.IntentPerson, record.IntentDesk, record.IntentGeneralManager}
	outcomes = []string{record.OutcomeInProgress, record.OutcomeCompleted, record.OutcomeConnected, record.OutcomeTransferred,
		record.OutcomeMessageTaken, record.OutcomeCallbackRequested, record.OutcomeAbandoned, record.OutcomeCallerHungUp, record.OutcomeFailed}
)

// callLog is the call log with the API's filters; an agent sees their own
// calls only, because the API says so.
func (c *Console) callLog(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	cf, form, err := c.callFilter(r)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	page, err := c.apiClient(s.secret).ListCalls(r.Context(), cf)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	staff, err := c.allStaff(r.Context())
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	v := logView{Form: form, Calls: page.Calls, Names: staffNames(staff), Intents: intents, Outcomes: outcomes,
		Super: s.tok.Role == record.RoleSupervisor}
	if v.Super {
		v.Staff = staff
	}
	q := r.URL.Query()
	q.Del("cursor")
	q.Del("lang")
	if page.NextCursor != "" {
		nq := url.Values{}
		for k, vs := range q {
			nq[k] = vs
		}
		nq.Set("cursor", page.NextCursor)
		v.Next = nq.Encode()
	}
	csv := apiQuery(r)
	if !cf.From.IsZero() {
		csv.Set("from", cf.From.UTC().Format(time.RFC3339))
	}
	if !cf.To.IsZero() {
		csv.Set("to", cf.To.UTC().Format(time.RFC3339))
	}
	v.CSV = csv.Encode()
	c.page(w, r, "calls.html", "calls", "calls.title", v)
}

// callView is one call's page: its record and its timeline as sentences.
type callView struct {
	Call     record.Call
	Customer *record.Customer
	Lines    []line
	Names    map[string]string
}

// callPage reads a call through the API (an agent: only one they took
// part in) and its timeline as sentences.
func (c *Console) callPage(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	call, events, err := c.apiClient(s.secret).GetCall(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	staff, err := c.allStaff(r.Context())
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	rd := reader{lang: langOf(r), loc: c.cfg.Location, name: namer(staff)}
	v := callView{Call: call, Names: staffNames(staff)}
	if call.CustomerID != "" {
		if cust, err := c.cfg.Store.GetCustomer(r.Context(), call.CustomerID); err == nil {
			v.Customer = &cust
		}
	}
	for _, e := range events {
		v.Lines = append(v.Lines, rd.sentence(e))
	}
	c.page(w, r, "call.html", "calls", "call.title", v)
}

// clip plays one of the caller's recordings of a call: to a supervisor,
// to a person who took part in the call (the API says who), or to the
// person it was just offered to (their own screen pops say so).
func (c *Console) clip(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	id, name := chi.URLParam(r, "id"), chi.URLParam(r, "name")
	if c.cfg.Recordings == nil {
		c.fail(w, r, http.StatusServiceUnavailable, "err.notfound")
		return
	}
	call, events, err := c.apiClient(s.secret).GetCall(r.Context(), id)
	if record.IsNotFound(err) && s.tok.StaffID != "" && c.offeredTo(r, s.tok.StaffID, id) {
		call, events, err = c.cfg.Store.GetCall(r.Context(), id)
	}
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	known := false
	for _, e := range events {
		if l := (reader{}).sentence(e); l.Clip == name {
			known = true
		}
	}
	if !known {
		c.fail(w, r, http.StatusNotFound, "err.notfound")
		return
	}
	wav, err := c.cfg.Recordings.FetchRecording(r.Context(), call.Node, name)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Content-Length", strconv.Itoa(len(wav)))
	_, _ = w.Write(wav)
}

// offeredTo reports whether callID was among staffID's recent screen pops.
func (c *Console) offeredTo(r *http.Request, staffID, callID string) bool {
	tail, ok := c.cfg.Store.(AgentEventTail)
	if !ok {
		return false
	}
	evs, err := tail.AgentEventsTail(r.Context(), staffID, 50)
	if err != nil {
		return false
	}
	for _, e := range evs {
		if e.CallID == callID {
			return true
		}
	}
	return false
}
