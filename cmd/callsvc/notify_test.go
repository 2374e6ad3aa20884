package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"callsvc/api/postgres/pgtest"
	"callsvc/ari/aritest"
)

// TestS10SupervisorToldOnTheirScreen: a caller asks for the general manager;
// the desk handles it and every active supervisor's screen-pop stream gets
// the notice, through `callsvc serve` as operators run it.
func TestS10SupervisorToldOnTheirScreen(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pbx := aritest.NewServer(aritest.Options{Username: "callsvc", Password: "pw", Speed: 20})
	defer pbx.Close()
	getenv := env("DATABASE_URL", pgtest.NewDB(t), "HTTP_ADDR", "127.0.0.1:0", "LOG_FORMAT", "json",
		"ARI_URL", pbx.URL(), "ARI_USERNAME", "callsvc", "ARI_PASSWORD", "pw", "SPOOL_DIR", t.TempDir(),
		"BUSINESS_HOURS", "00:00-24:00", "HOLIDAYS", "none", "COMPANY_DAYS", openEveryDay())

	var tokOut bytes.Buffer
	if err := run(ctx, []string{"token", "create", "--role", "supervisor", "--name", "t"}, getenv, &tokOut, io.Discard); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(tokOut.String())
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(serveCtx, []string{"serve"}, getenv, io.Discard, pw)
		pw.Close()
	}()
	base := waitListening(t, pr)
	go io.Copy(io.Discard, pr)
	defer func() { stop(); <-done }()

	do := func(method, path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := do("POST", "/v1/staff", `{"name":"趙主管","extension":"2009","endpoint":"PJSIP/2009","department":"desk","role":"supervisor","active":true}`)
	var boss struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&boss)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || boss.ID == "" {
		t.Fatalf("create supervisor: %d", resp.StatusCode)
	}

	caller := pbx.Dial(ctx, aritest.CallerOptions{From: "+8613800138000", To: "100", Args: []string{"inbound"}})
	if err := caller.WaitHeard(ctx, "sound:callsvc/zh/menu_order"); err != nil {
		t.Fatal(err)
	}
	if err := caller.Press(ctx, "9"); err != nil {
		t.Fatal(err)
	}

	stream := do("GET", "/v1/agents/"+boss.ID+"/events", "")
	defer stream.Body.Close()
	if stream.StatusCode != http.StatusOK {
		t.Fatalf("screen-pop stream: %d", stream.StatusCode)
	}
	sc := bufio.NewScanner(stream.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev struct {
			Type    string `json:"type"`
			CallID  string `json:"call_id"`
			Context struct {
				Notes []string `json:"notes"`
			} `json:"context"`
		}
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			t.Fatalf("stream data %q: %v", data, err)
		}
		if ev.Type != supervisorNoticeType {
			continue
		}
		if ev.CallID == "" || len(ev.Context.Notes) != 1 || !strings.Contains(ev.Context.Notes[0], "general manager") {
			t.Fatalf("notice = %+v, want the call and what the caller asked", ev)
		}
		return
	}
	t.Fatalf("the stream ended without a supervisor notice: %v", sc.Err())
}

// openEveryDay marks yesterday, today and tomorrow (in any time zone) as
// working days, so a test that runs on a weekend in Shanghai still finds
// the desk open.
func openEveryDay() string {
	var days []string
	for _, off := range []int{-1, 0, 1} {
		days = append(days, time.Now().AddDate(0, 0, off).Format("2006-01-02")+"=test day=work")
	}
	return strings.Join(days, ";")
}
