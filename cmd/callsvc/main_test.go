package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"callsvc/api/apitest"
	"callsvc/api/postgres/pgtest"
	"callsvc/ari/aritest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// env builds a getenv from pairs, so tests never read the real environment.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), nil, env(), &out, &errOut)
	if !errors.Is(err, errUsage) {
		t.Fatalf("run with no args: err = %v, want usage", err)
	}
	if !strings.Contains(errOut.String(), "Commands:") {
		t.Errorf("usage text missing from stderr: %q", errOut.String())
	}
	err = run(context.Background(), []string{"frobnicate"}, env(), &out, &errOut)
	if !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: err = %v, stderr %q", err, errOut.String())
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	for name, e := range map[string]func(string) string{
		"AnswerRing4":   env("ANSWER_RING", "4"),
		"AnswerRingNaN": env("ANSWER_RING", "two"),
		"Cadence":       env("RING_CADENCE", "uk"),
		"Timezone":      env("TIMEZONE", "Mars/Olympus"),
		"Language":      env("LANGUAGE", "fr"),
	} {
		t.Run(name, func(t *testing.T) {
			err := run(context.Background(), []string{"serve"}, e, io.Discard, io.Discard)
			if err == nil || errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want a configuration error", err)
			}
		})
	}
}

func TestMaskedConfigHidesSecrets(t *testing.T) {
	cfg, err := loadConfig(env("ARI_PASSWORD", "hunter2", "DATABASE_URL", "postgres://u:s3cret@db/callsvc?sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range cfg.masked() {
		if strings.Contains(v, "hunter2") || strings.Contains(v, "s3cret") {
			t.Errorf("%s = %q leaks a secret", k, v)
		}
	}
	if got := cfg.masked()["DATABASE_URL"]; !strings.Contains(got, "db/callsvc") {
		t.Errorf("masked DATABASE_URL = %q, want host and database kept", got)
	}
}

// TestTokenThenServe creates a supervisor token with the CLI, starts `serve`
// on port 0 against a fresh database, reads the call log with the token, and
// shuts down on cancel.
func TestTokenThenServe(t *testing.T) {
	// The private cluster trusts local connections, so a password in the
	// URL is accepted and ignored: it lets the test check that it is masked.
	dsn := strings.Replace(pgtest.NewDB(t), "postgres@", "postgres:s3cret-pw@", 1)
	pbx := aritest.NewServer(aritest.Options{Username: "callsvc", Password: "ari-pw", Speed: 20})
	defer pbx.Close()
	getenv := env("DATABASE_URL", dsn, "HTTP_ADDR", "127.0.0.1:0", "LOG_FORMAT", "json",
		"ARI_URL", pbx.URL(), "ARI_USERNAME", "callsvc", "ARI_PASSWORD", "ari-pw", "SPOOL_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var tokOut, tokErr bytes.Buffer
	if err := run(ctx, []string{"token", "create", "--role", "supervisor", "--name", "Ms Wang"}, getenv, &tokOut, &tokErr); err != nil {
		t.Fatalf("token create: %v\n%s", err, tokErr.String())
	}
	token := strings.TrimSpace(tokOut.String())
	if !strings.HasPrefix(token, "cs_") {
		t.Fatalf("token = %q, want the cs_ prefix", token)
	}

	serveCtx, stop := context.WithCancel(ctx)
	logs := &apitest.SyncBuffer{}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(serveCtx, []string{"serve"}, getenv, io.Discard, io.MultiWriter(logs, pw))
		pw.Close()
	}()
	base := waitListening(t, pr)
	go io.Copy(io.Discard, pr)

	// A caller rings in, hears the greeting and hangs up: the call is in
	// the log that the supervisor reads.
	caller := pbx.Dial(ctx, aritest.CallerOptions{From: "+8613800138000", To: "100", Args: []string{"inbound"}})
	if err := caller.WaitHeard(ctx, "sound:callsvc/zh/menu_order"); err != nil {
		t.Fatalf("caller never heard the menu: %v (heard %v)", err, caller.Heard())
	}
	if err := caller.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	var page struct {
		Calls []struct {
			CallerNumber string `json:"caller_number"`
			Outcome      string `json:"outcome"`
		} `json:"calls"`
	}
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/calls", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET /v1/calls = %d %s", resp.StatusCode, body)
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Calls) == 1 && page.Calls[0].Outcome != "in_progress" && page.Calls[0].Outcome != "" {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the call never reached the log closed: %s", body)
		case <-time.After(50 * time.Millisecond): // polling the API, not sleeping for a result
		}
	}
	if got := page.Calls[0]; got.CallerNumber != "+8613800138000" || got.Outcome != "caller_hung_up" {
		t.Errorf("logged call = %+v, want the caller's number and outcome caller_hung_up", got)
	}
	if strings.Contains(dsn, "s3cret-pw") && strings.Contains(logs.String(), "s3cret-pw") {
		t.Errorf("the start-up log prints the database password")
	}

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after cancel, want nil", err)
		}
	case <-ctx.Done():
		t.Fatal("serve did not stop after cancel")
	}
}

// waitListening reads JSON log lines until the API says where it listens.
func waitListening(t *testing.T, r io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			var line struct {
				Message string `json:"message"`
				Addr    string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Message == "API listening" {
				found <- line.Addr
				return
			}
		}
	}()
	select {
	case addr := <-found:
		return addr
	case <-time.After(time.Minute):
		t.Fatal("serve never logged \"API listening\"")
		return ""
	}
}
