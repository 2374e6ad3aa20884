package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/console"
	"callsvc/api/record"
)

// site is the API with the console mounted, as cmd serves them.
type site struct {
	*apitest.Server
	loc *time.Location
}

func newSite(t *testing.T) *site {
	t.Helper()
	srv := apitest.New(t)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	c, err := console.New(console.Config{API: srv.Handler, Store: srv.Store, Location: loc, Live: console.NewBoard()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handler.Mount("/console", c)
	return &site{Server: srv, loc: loc}
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t    *testing.T
	s    *site
	hc   *http.Client
	csrf string
}

func (s *site) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, form url.Values, header ...string) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.s.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(data)}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs in with secret through the form, as a person does.
func (b *browser) signIn(secret string) page {
	b.t.Helper()
	form := b.do("GET", "/console/signin", nil)
	m := csrfField.FindStringSubmatch(form.body)
	if m == nil {
		b.t.Fatalf("no CSRF field on the sign-in page:\n%s", form.body)
	}
	p := b.do("POST", "/console/signin", url.Values{"_csrf": {m[1]}, "token": {secret}})
	if p.status == http.StatusSeeOther {
		home := b.do("GET", "/console/calls", nil)
		if m := csrfField.FindStringSubmatch(home.body); m != nil {
			b.csrf = m[1]
		}
	}
	return p
}

func TestSignInGivesAStrictSessionCookie(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	b := s.browser(t)

	if p := b.do("GET", "/console/calls", nil); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/console/signin") {
		t.Fatalf("signed out: %d %s, want a redirect to sign in", p.status, p.header.Get("Location"))
	}
	// The sign-in form's own CSRF value is required.
	if p := b.do("POST", "/console/signin", url.Values{"token": {s.Tokens[record.RoleSupervisor]}}); p.status != http.StatusForbidden {
		t.Errorf("sign-in without the form's CSRF value: %d, want 403", p.status)
	}
	if p := b.signIn("cs_not-a-token"); p.status != http.StatusUnauthorized {
		t.Errorf("a bad token: %d, want 401", p.status)
	}
	if p := b.signIn(s.Tokens[record.RoleService]); p.status != http.StatusForbidden {
		t.Errorf("the service token: %d, want 403", p.status)
	}
	p := b.signIn(s.Tokens[record.RoleSupervisor])
	if p.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d %s", p.status, p.body)
	}
	ck := p.header.Get("Set-Cookie")
	for _, want := range []string{"callsvc_session=", "HttpOnly", "SameSite=Strict", "Path=/console"} {
		if !strings.Contains(ck, want) {
			t.Errorf("session cookie %q lacks %s", ck, want)
		}
	}
	w := b.do("GET", "/console/wallboard", nil)
	if w.status != http.StatusOK {
		t.Fatalf("wallboard: %d", w.status)
	}
	csp := w.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("Content-Security-Policy = %q: want scripts from self only", csp)
	}
	if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(w.body) || strings.Contains(w.body, " style=") || strings.Contains(w.body, " onclick=") {
		t.Errorf("the page has inline script or style")
	}
	// Every form carries the CSRF token; a post without it is refused.
	if got := b.do("POST", "/console/signout", url.Values{}); got.status != http.StatusForbidden {
		t.Errorf("sign-out without CSRF: %d, want 403", got.status)
	}
	if got := b.do("POST", "/console/signout", url.Values{"_csrf": {b.csrf}}, "Origin", "https://evil.example"); got.status != http.StatusForbidden {
		t.Errorf("sign-out from another site: %d, want 403", got.status)
	}
	if got := b.do("POST", "/console/signout", url.Values{"_csrf": {b.csrf}}); got.status != http.StatusSeeOther {
		t.Errorf("sign-out: %d, want 303", got.status)
	}
	if got := b.do("GET", "/console/wallboard", nil); got.status != http.StatusSeeOther {
		t.Errorf("after sign-out: %d, want a redirect", got.status)
	}
}

func TestRevokedTokenEndsTheSession(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	secret, tok, err := api.CreateToken(ctx, s.Store, "temp", record.RoleSupervisor, "")
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	if p := b.signIn(secret); p.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", p.status)
	}
	if _, err := s.Store.Pool().Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, tok.ID); err != nil {
		t.Fatal(err)
	}
	if p := b.do("GET", "/console/wallboard", nil); p.status != http.StatusSeeOther {
		t.Errorf("revoked: %d, want a redirect to sign in", p.status)
	}
}

// TestAgentSeesOwnOnly: an agent cannot open a supervisor page nor a call
// they took no part in, and acts on calls through the API's checks.
func TestAgentSeesOwnOnly(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	mine := record.Call{ID: ulid.Make().String(), CallerNumber: "+8613800138000", Intent: record.IntentDesk, ArrivedAt: now.Add(-time.Hour),
		StaffIDs: []string{s.AgentID}, Outcome: record.OutcomeConnected, UpdatedAt: now}
	other := record.Call{ID: ulid.Make().String(), CallerNumber: "+8613900000000", Intent: record.IntentOrder, ArrivedAt: now.Add(-time.Hour),
		StaffIDs: []string{"01JSOMEONEELSE000000000000"}, Outcome: record.OutcomeConnected, UpdatedAt: now}
	if err := s.Store.UpsertCalls(ctx, []record.Call{mine, other}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	if p := b.signIn(s.Tokens[record.RoleAgent]); p.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", p.status)
	}
	for _, path := range []string{"/console/wallboard", "/console/wallboard/stream", "/console/reports", "/console/staff", "/console/messages"} {
		if p := b.do("GET", path, nil); p.status != http.StatusForbidden {
			t.Errorf("agent GET %s: %d, want 403", path, p.status)
		}
	}
	if p := b.do("GET", "/console/calls/"+other.ID, nil); p.status != http.StatusNotFound {
		t.Errorf("agent opens another's call: %d, want 404", p.status)
	}
	if p := b.do("GET", "/console/calls/"+mine.ID, nil); p.status != http.StatusOK {
		t.Errorf("agent opens own call: %d", p.status)
	}
	log := b.do("GET", "/console/calls", nil)
	if !strings.Contains(log.body, mine.ID) || strings.Contains(log.body, other.ID) {
		t.Errorf("agent's call log: want own call only")
	}
	if p := b.do("GET", "/console/calls.csv?caller=%2B8613900000000", nil); p.status != http.StatusOK || strings.Contains(p.body, other.ID) {
		t.Errorf("agent's export: %d, shows another's call: %v", p.status, strings.Contains(p.body, other.ID))
	}
	// A note through the console is the API's note: on the timeline, and
	// refused (as absent) on another's call.
	hx := []string{"HX-Request", "true", "X-CSRF-Token", b.csrf}
	if p := b.do("POST", "/console/calls/"+mine.ID+"/notes", url.Values{"text": {"客戶要發票"}}, hx...); p.status != http.StatusOK {
		t.Fatalf("note: %d %s", p.status, p.body)
	}
	_, events, err := s.Store.GetCall(ctx, mine.ID)
	if err != nil || len(events) != 1 || events[0].Type != "note_added" || events[0].StaffID != s.AgentID {
		t.Errorf("timeline after the console's note: %+v %v", events, err)
	}
	if p := b.do("POST", "/console/calls/"+other.ID+"/notes", url.Values{"text": {"x"}}, hx...); p.status != http.StatusNotFound {
		t.Errorf("note on another's call: %d, want 404", p.status)
	}
	if p := b.do("POST", "/console/calls/"+mine.ID+"/notes", url.Values{"text": {"x"}}, "HX-Request", "true"); p.status != http.StatusForbidden {
		t.Errorf("note without CSRF: %d, want 403", p.status)
	}
	// Presence through the console is the API's presence.
	if p := b.do("POST", "/console/agent/presence", url.Values{"status": {"out"}, "where": {"倉庫"}, "back": {"23:59"}}, hx...); p.status != http.StatusOK {
		t.Fatalf("presence: %d %s", p.status, p.body)
	}
	if p, err := s.Store.GetPresence(ctx, s.AgentID); err != nil || p.Status != record.PresenceOut || p.Where != "倉庫" || p.BackAt == nil {
		t.Errorf("stored presence: %+v %v", p, err)
	}
}

var figure = regexp.MustCompile(`data-fig="(\w+)"(?: data-value="([^"]*)")?>([^<]*)<`)

// TestWallboardEqualsTheReport: the wallboard's figures for today are the
// summary report's for the same day in the same zone.
func TestWallboardEqualsTheReport(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	now := time.Now().UTC()
	day := time.Date(now.In(s.loc).Year(), now.In(s.loc).Month(), now.In(s.loc).Day(), 0, 0, 0, 0, s.loc)
	at := func(min int) time.Time { return day.Add(time.Duration(min) * time.Minute).UTC() }
	var calls []record.Call
	for i, c := range []struct {
		rings, ms, talk int
		answered        bool
	}{{1, 800, 60, true}, {2, 5200, 120, true}, {4, 16000, 30, true}, {0, 0, 0, false}, {1, 400, 200, true}} {
		arr := at(i + 1)
		rec := record.Call{ID: ulid.Make().String(), CallerNumber: fmt.Sprintf("+86138%08d", i), ArrivedAt: arr, UpdatedAt: arr.Add(time.Minute),
			Outcome: record.OutcomeAbandoned}
		end := arr.Add(time.Minute)
		rec.EndedAt = &end
		if c.answered {
			a := arr.Add(time.Duration(c.ms) * time.Millisecond)
			rec.AnsweredAt, rec.RingsToAnswer, rec.AnswerMS, rec.TalkSeconds, rec.Outcome = &a, c.rings, c.ms, c.talk, record.OutcomeCompleted
		}
		calls = append(calls, rec)
	}
	if err := s.Store.UpsertCalls(ctx, calls); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	if p := b.signIn(s.Tokens[record.RoleSupervisor]); p.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", p.status)
	}
	w := b.do("GET", "/console/wallboard", nil)
	got := map[string]string{}
	for _, m := range figure.FindAllStringSubmatch(w.body, -1) {
		got[m[1]] = m[2]
		if m[2] == "" {
			got[m[1]] = m[3]
		}
	}
	q := url.Values{"from": {day.Format(time.RFC3339)}, "to": {day.AddDate(0, 0, 1).Format(time.RFC3339)}, "by": {"day"}, "tz": {"Asia/Shanghai"}}
	var rep api.Summary
	r := s.Do(t, "GET", "/v1/reports/summary?"+q.Encode(), record.RoleSupervisor, nil)
	r.Decode(t, &rep)
	if len(rep.Rows) != 1 {
		t.Fatalf("report rows: %+v", rep.Rows)
	}
	row := rep.Rows[0]
	want := map[string]string{
		"offered":   fmt.Sprint(row.Offered),
		"within3":   fmt.Sprintf("%.1f", row.AnsweredWithin3RingsPct),
		"asa":       fmt.Sprintf("%.0f", row.AvgAnswerMS),
		"abandoned": fmt.Sprintf("%.1f", 100*row.AbandonRate),
		"talk":      fmt.Sprintf("%.0f", row.AvgTalkSeconds),
		"messages":  "0",
	}
	if row.Offered != 5 || row.Abandoned != 1 {
		t.Fatalf("the report is not what was written: %+v", row)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("wallboard %s = %q, report %q", k, got[k], v)
		}
	}
}
