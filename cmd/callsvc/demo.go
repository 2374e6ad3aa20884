package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"callsvc/api"
	"callsvc/api/postgres"
	"callsvc/api/record"
	"callsvc/ari/aritest"
	"callsvc/routing/prompt"
)

// demoSpeed runs the stand-in's prompts and rings this many times faster
// than real time, so the scripted callers finish in seconds.
const demoSpeed = 4

// runDemo runs everything on this machine with nothing configured: a
// throwaway PostgreSQL, the stand-in Asterisk with a few staff phones, the
// engine and the API; plays scripted callers, prints what happened to each,
// then keeps serving until Ctrl-C (or exits with --once).
func runDemo(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("http", cfg.HTTPAddr, "HTTP listen address")
	keep := fs.Bool("keep-data", false, "keep the database under CALLSVC_DATA_DIR instead of a throwaway one")
	once := fs.Bool("once", false, "exit after the scripted callers instead of serving until Ctrl-C")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if !*keep && cfg.DatabaseURL == "" {
		cfg.DataDir = "" // a temporary cluster, removed on exit
	}
	cfg.alwaysOpen = true
	if cfg.CompanyName == defaultConfig().CompanyName {
		cfg.CompanyName = "示例貿易公司"
	}
	log := newLogger(cfg, stderr)
	st, stopStore, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stopStore()
	if err := seedDemo(ctx, st); err != nil {
		return err
	}

	pbx := aritest.NewServer(aritest.Options{Username: "callsvc", Password: "demo", Speed: demoSpeed})
	defer pbx.Close()
	phones := map[string]*aritest.Phone{}
	for _, s := range demoStaff {
		phones[s.Endpoint] = pbx.AddPhone(s.Endpoint, aritest.PhoneOptions{AnswerAfter: 2 * time.Second})
	}
	cfg.ARIURL, cfg.ARIWSURL, cfg.ARIUsername, cfg.ARIPassword = pbx.URL(), pbx.WSURL(), "callsvc", "demo"
	client, err := connectARI(ctx, cfg, log.With().Str("component", "ari").Logger())
	if err != nil {
		return fmt.Errorf("connect to the stand-in Asterisk: %w", err)
	}
	defer client.Close()
	if !*keep {
		// A throwaway demo spools into its own temporary directory, so it
		// never replays demo records into a real deployment's database.
		spool, err := os.MkdirTemp("", "callsvc-demo-spool-")
		if err != nil {
			return fmt.Errorf("demo spool: %w", err)
		}
		defer os.RemoveAll(spool)
		cfg.SpoolDir = spool
	}
	eng, err := startEngine(ctx, cfg, client, st, log)
	if err != nil {
		return err
	}
	defer eng.stop()

	secret, _, err := api.CreateToken(ctx, st, "demo supervisor", record.RoleSupervisor, "")
	if err != nil {
		return fmt.Errorf("demo token: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	base := "http://" + ln.Addr().String()
	apiCtx, stopAPI := context.WithCancel(ctx)
	apiDone := make(chan error, 1)
	go func() { apiDone <- serveAPI(apiCtx, cfg, st, eng, ln, log) }()
	defer func() { stopAPI(); <-apiDone }()

	fmt.Fprintf(stdout, "callsvc demo: stand-in Asterisk at %s, API at %s\n\n", pbx.URL(), base)
	results := playDemoCallers(ctx, pbx, phones, log)
	if err := eng.Wait(ctx); err != nil {
		return fmt.Errorf("waiting for the demo calls to end: %w", err)
	}
	if err := eng.writer.Flush(ctx); err != nil {
		return fmt.Errorf("storing the demo calls: %w", err)
	}
	if err := printDemoResults(ctx, stdout, st, results); err != nil {
		return err
	}

	fmt.Fprintf(stdout, "\nsupervisor token: %s\n\n", secret)
	for _, line := range demoCurlLines(base, secret, time.Now()) {
		fmt.Fprintf(stdout, "  %s\n", line)
	}
	if err := printConsoleLinks(ctx, stdout, st, base); err != nil {
		return err
	}
	if *once {
		return nil
	}
	fmt.Fprintf(stdout, "\nServing until Ctrl-C.\n")
	<-ctx.Done()
	return nil
}

// printConsoleLinks prints the console's address and a sign-in link for a
// supervisor and for two agents (their tokens ride in the link's fragment,
// which never reaches a server log).
func printConsoleLinks(ctx context.Context, w io.Writer, st *postgres.Store, base string) error {
	staff, _, err := st.ListStaff(ctx, record.ListQuery{Limit: 100})
	if err != nil {
		return fmt.Errorf("read the demo staff: %w", err)
	}
	byExt := map[string]record.Staff{}
	for _, s := range staff {
		byExt[s.Extension] = s
	}
	fmt.Fprintf(w, "\nconsole: %s/console/  (open a link below in a browser to sign in)\n", base)
	for _, p := range []struct{ ext, role, what string }{
		{"2009", record.RoleSupervisor, "supervisor (wallboard, call log, reports)"},
		{"2001", record.RoleAgent, "agent at the desk"},
		{"2002", record.RoleAgent, "agent in sales"},
	} {
		s, ok := byExt[p.ext]
		if !ok {
			continue
		}
		secret, _, err := api.CreateToken(ctx, st, "demo console "+s.Name, p.role, s.ID)
		if err != nil {
			return fmt.Errorf("demo console token: %w", err)
		}
		fmt.Fprintf(w, "  %s %s (%s): %s/console/signin#token=%s\n", p.what, s.Name, s.Extension, base, secret)
	}
	return nil
}

var demoStaff = []record.Staff{
	{Name: "王芳", Spelling: "wang fang", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Role: record.RoleAgent, Skills: []string{"zh", "en"}, Active: true},
	{Name: "陳靜", Spelling: "chen jing", Extension: "2003", Endpoint: "PJSIP/2003", Department: "desk", Role: record.RoleAgent, Skills: []string{"zh"}, Active: true},
	{Name: "李明", Spelling: "li ming", Extension: "2002", Endpoint: "PJSIP/2002", Department: "sales", Role: record.RoleAgent, Skills: []string{"zh", "orders"}, Active: true},
	{Name: "趙主管", Spelling: "zhao zhu guan", Extension: "2009", Endpoint: "PJSIP/2009", Department: "desk", Role: record.RoleSupervisor, Skills: []string{"zh"}, Active: true},
}

// seedDemo puts a small directory and one known customer in the database;
// a database kept from an earlier demo already has them.
func seedDemo(ctx context.Context, st *postgres.Store) error {
	for _, s := range demoStaff {
		if _, err := st.CreateStaff(ctx, s); err != nil && record.ErrorCode(err) != record.EConflict {
			return fmt.Errorf("demo staff %s: %w", s.Name, err)
		}
	}
	_, err := st.CreateCustomer(ctx, record.Customer{
		Name: "張偉", Surname: "張", Title: "先生", Company: "華東五金", VIP: true,
		Numbers: []string{"+8613800138000"},
	})
	if err != nil && record.ErrorCode(err) != record.EConflict {
		return fmt.Errorf("demo customer: %w", err)
	}
	return nil
}

type demoResult struct {
	who     string
	number  string
	channel string
	heard   []string
	err     error
}

// playDemoCallers plays the scripted callers side by side and returns what
// each heard.
func playDemoCallers(ctx context.Context, pbx *aritest.Server, phones map[string]*aritest.Phone, log zerolog.Logger) []demoResult {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	surname, _ := prompt.SurnameMedia("張")
	zh := func(k prompt.Key) string { return prompt.Media(prompt.ZH, k) }
	scripts := []struct {
		who, from string
		play      func(c *aritest.Call) error
	}{
		{"known customer 張先生, put through to the desk", "+8613800138000", func(c *aritest.Call) error {
			if err := c.WaitHeard(ctx, surname); err != nil {
				return fmt.Errorf("greeted by name: %w", err)
			}
			if err := c.WaitHeard(ctx, zh(prompt.KeyMenuOrder)); err != nil {
				return err
			}
			if err := c.Press(ctx, "0"); err != nil {
				return err
			}
			return talkThenHangUp(ctx, c, "moh:")
		}},
		{"a complaint, recorded in full (S14)", "+8613911112222", func(c *aritest.Call) error {
			if err := c.WaitHeard(ctx, zh(prompt.KeyMenuOrder)); err != nil {
				return err
			}
			if err := c.Press(ctx, "2"); err != nil {
				return err
			}
			if err := c.WaitHeard(ctx, "sound:beep"); err != nil {
				return fmt.Errorf("the beep before recording: %w", err)
			}
			if err := c.Speak(ctx, 6*time.Second); err != nil {
				return err
			}
			if err := c.Press(ctx, "#"); err != nil {
				return err
			}
			if err := c.WaitHeard(ctx, zh(prompt.KeyAnythingElse)); err != nil {
				return err
			}
			if err := c.Press(ctx, "2"); err != nil {
				return err
			}
			<-c.Done()
			return nil
		}},
		{"an order, put through to sales (S6)", "+15551234567", func(c *aritest.Call) error {
			if err := c.WaitHeard(ctx, zh(prompt.KeyMenuOrder)); err != nil {
				return err
			}
			if err := c.Press(ctx, "1"); err != nil {
				return err
			}
			return talkThenHangUp(ctx, c, "moh:")
		}},
		{"a caller who presses nothing (re-prompted, then the desk)", "+8602188886666", func(c *aritest.Call) error {
			return talkThenHangUp(ctx, c, "moh:")
		}},
	}
	results := make([]demoResult, len(scripts))
	var wg sync.WaitGroup
	for i, s := range scripts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := pbx.Dial(ctx, aritest.CallerOptions{From: s.from, To: "100", Args: []string{"inbound"}})
			err := s.play(c)
			if err != nil {
				log.Warn().Err(err).Str("caller", s.from).Msg("demo caller did not go as scripted")
				hctx, hcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				c.Hangup(hctx)
				hcancel()
			}
			results[i] = demoResult{who: s.who, number: s.from, channel: c.ChannelID(), heard: c.Heard(), err: err}
		}()
	}
	wg.Wait()
	return results
}

// talkThenHangUp waits until the caller is on hold and then connected to
// a person (music on hold stops), talks a little and hangs up.
func talkThenHangUp(ctx context.Context, c *aritest.Call, _ string) error {
	if err := c.WaitHeard(ctx, "moh:stop"); err != nil {
		return fmt.Errorf("put through to a person: %w", err)
	}
	if err := c.Speak(ctx, 3*time.Second); err != nil {
		return err
	}
	err := c.Hangup(ctx)
	if errors.Is(err, aritest.ErrHungUp) {
		return nil
	}
	return err
}

// printDemoResults shows, per caller, what they heard and what the record says.
func printDemoResults(ctx context.Context, w io.Writer, st *postgres.Store, results []demoResult) error {
	page, err := st.ListCalls(ctx, record.CallFilter{Limit: 100})
	if err != nil {
		return fmt.Errorf("read the demo calls: %w", err)
	}
	byChannel := map[string]record.Call{}
	for _, c := range page.Calls {
		byChannel[c.ChannelID] = c
	}
	staff, _, err := st.ListStaff(ctx, record.ListQuery{Limit: 100})
	if err != nil {
		return fmt.Errorf("read the demo staff: %w", err)
	}
	names := map[string]string{}
	for _, s := range staff {
		names[s.ID] = s.Name + " (" + s.Department + ")"
	}
	for i, r := range results {
		fmt.Fprintf(w, "%d. %s — from %s\n", i+1, r.who, r.number)
		if r.err != nil {
			fmt.Fprintf(w, "   did not go as scripted: %v\n", r.err)
		}
		fmt.Fprintf(w, "   heard:   %s\n", compactHeard(r.heard))
		c, ok := byChannel[r.channel]
		if !ok {
			fmt.Fprintf(w, "   record:  (not found)\n")
			continue
		}
		_, events, err := st.GetCall(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("read call %s: %w", c.ID, err)
		}
		types := make([]string, 0, len(events))
		for _, e := range events {
			types = append(types, string(e.Type))
		}
		who := make([]string, 0, len(c.StaffIDs))
		for _, id := range c.StaffIDs {
			who = append(who, names[id])
		}
		fmt.Fprintf(w, "   record:  call %s intent=%s outcome=%s rings_to_answer=%d answer_ms=%d staff=[%s]\n",
			c.ID, c.Intent, c.Outcome, c.RingsToAnswer, c.AnswerMS, strings.Join(who, ", "))
		fmt.Fprintf(w, "   timeline: %s\n", strings.Join(types, " → "))
	}
	return nil
}

// compactHeard shortens media URIs for the terminal: the prompt key only.
func compactHeard(heard []string) string {
	out := make([]string, 0, len(heard))
	for _, h := range heard {
		h = strings.TrimPrefix(h, "sound:callsvc/zh/")
		h = strings.TrimPrefix(h, "sound:callsvc/")
		out = append(out, h)
	}
	return strings.Join(out, ", ")
}

// demoCurlLines are the commands the demo prints to read what it did; each
// works as printed in a POSIX shell (CALL_ID stands for an id from the
// call log). The report covers the last week up to tomorrow, in UTC days.
func demoCurlLines(base, secret string, now time.Time) []string {
	day := func(t time.Time) string { return t.UTC().Format("2006-01-02") + "T00:00:00Z" }
	auth := "-H 'Authorization: Bearer " + secret + "'"
	return []string{
		"curl -s " + auth + " '" + base + "/v1/calls'",
		"curl -s " + auth + " '" + base + "/v1/calls/CALL_ID'",
		"curl -s " + auth + " '" + base + "/v1/reports/summary?from=" + day(now.AddDate(0, 0, -7)) +
			"&to=" + day(now.AddDate(0, 0, 1)) + "&by=intent'",
		"curl -s " + auth + " '" + base + "/v1/calls.csv'",
	}
}
