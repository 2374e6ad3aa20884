package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/ari/aritest"
)

// consoleStack is callsvc as serve runs it (engine on the stand-in
// Asterisk, API and console on one listener) on a fresh database, with a
// small company: two agents and a supervisor, each with a token.
type consoleStack struct {
	base   string
	st     *postgres.Store
	pbx    *aritest.Server
	phones map[string]*aritest.Phone // by extension
	staff  map[string]record.Staff   // by extension
	tokens map[string]string         // by extension
	loc    *time.Location
	logs   *apitest.SyncBuffer
}

var consoleStaff = []record.Staff{
	{Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Role: record.RoleAgent, Active: true},
	{Name: "李明", Extension: "2002", Endpoint: "PJSIP/2002", Department: "sales", Role: record.RoleAgent, Active: true},
	{Name: "趙主管", Extension: "2009", Endpoint: "PJSIP/2009", Department: "management", Role: record.RoleSupervisor, Active: true},
}

func newConsoleStack(t *testing.T) *consoleStack {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	s := &consoleStack{st: pgtest.NewStore(t), phones: map[string]*aritest.Phone{}, staff: map[string]record.Staff{},
		tokens: map[string]string{}, loc: loc, logs: &apitest.SyncBuffer{}}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs.String())
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s.pbx = aritest.NewServer(aritest.Options{Username: "callsvc", Password: "ari-pw", Speed: 4})
	t.Cleanup(s.pbx.Close)
	for _, p := range consoleStaff {
		stored, err := s.st.CreateStaff(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		s.staff[p.Extension] = stored
		role := p.Role
		secret, _, err := api.CreateToken(ctx, s.st, p.Name, role, stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[p.Extension] = secret
		// People answer when the test says so: a card can be seen ringing.
		s.phones[p.Extension] = s.pbx.AddPhone(p.Endpoint, aritest.PhoneOptions{Manual: true})
	}
	if _, err := s.st.CreateCustomer(ctx, record.Customer{Name: "張偉", Surname: "張", Title: "先生", Company: "華東五金",
		VIP: true, Numbers: []string{"+8613800138000"}}); err != nil {
		t.Fatal(err)
	}

	cfg := defaultConfig()
	cfg.ARIURL, cfg.ARIWSURL, cfg.ARIUsername, cfg.ARIPassword = s.pbx.URL(), s.pbx.WSURL(), "callsvc", "ari-pw"
	cfg.SpoolDir = t.TempDir()
	cfg.Location = loc
	cfg.alwaysOpen = true
	cfg.LogFormat, cfg.LogLevel = "json", "info"
	log := newLogger(cfg, s.logs)
	client, err := connectARI(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	eng, err := startEngine(ctx, cfg, client, s.st, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.stop)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.base = "http://" + ln.Addr().String()
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serveAPI(sctx, cfg, s.st, eng, ln, log) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return s
}

// chromium finds Debian's Chromium (or CALLSVC_CHROMIUM); "" when there
// is none.
func chromium() string {
	if p := os.Getenv("CALLSVC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless Chromium for the test, or skips it with
// one line when the machine has none (CI installs it).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		t.Skip("no Chromium found (Debian package chromium, or set CALLSVC_CHROMIUM): browser test skipped")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("mute-audio", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"), chromedp.WindowSize(1440, 900),
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return browser
}

// person is one signed-in browser: its own cookie jar (a browser context).
type person struct {
	t   *testing.T
	ctx context.Context
}

// signIn opens a fresh browser context and signs in with the token the
// way the demo's link does.
func (s *consoleStack) signIn(t *testing.T, browser context.Context, ext, wantPath string) *person {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run opens the tab, which lives as long as the context of
	// that run: it must carry no timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	p := &person{t: t, ctx: ctx}
	p.do(chromedp.Navigate(s.base + "/console/signin#token=" + s.tokens[ext]))
	p.wait(`location.pathname === "`+wantPath+`"`, "signed in at "+wantPath)
	return p
}

// do runs browser steps, failing the test on error.
func (p *person) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v", err)
	}
}

// wait checks a JavaScript predicate in the page until it holds (20 s at
// most): the test waits for what it expects, never for a time. Errors
// while the page navigates count as "not yet".
func (p *person) wait(expr, what string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		select {
		case <-p.ctx.Done():
			p.t.Fatalf("waiting for %s: %v", what, p.ctx.Err())
		case <-time.After(25 * time.Millisecond): // the next look at the page
		}
	}
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText.slice(0, 3000) : "")`))
	p.t.Fatalf("waiting for %s (last error %v); page:\n%s", what, last, text)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](p *person, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// navigate is chromedp.Navigate.
func navigate(url string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(url) }
