package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/apitest"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

// TestDemoOnce runs the README's demo with --once: every scripted caller
// goes as scripted and its record says so.
func TestDemoOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	getenv := env("DATABASE_URL", pgtest.NewDB(t), "LOG_FORMAT", "json")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"demo", "--once", "--http", "127.0.0.1:0"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut.String())
	}
	got := out.String()
	if strings.Contains(got, "did not go as scripted") || strings.Contains(got, "(not found)") {
		t.Fatalf("a demo caller went wrong:\n%s", got)
	}
	for _, want := range []*regexp.Regexp{
		// S3: the known customer is greeted by surname and title, then put through.
		regexp.MustCompile(`(?s)1\. known customer.*heard:   names/surname_5f35, title_mr, .*intent=desk outcome=connected rings_to_answer=1 .*staff=\[\S+ \(desk\)\]`),
		// S14: the complaint is recorded and kept; S8 is asked.
		regexp.MustCompile(`(?s)2\. a complaint.*sound:beep, complaint_recorded, anything_else.*intent=complaint outcome=completed.*recording_kept`),
		// S6: the order reaches sales.
		regexp.MustCompile(`(?s)3\. an order.*intent=order outcome=connected .*staff=\[李明 \(sales\)\]`),
		// Silence: re-prompted twice, then the desk.
		regexp.MustCompile(`(?s)4\. a caller who presses nothing.*no_choice.*no_choice.*intent=desk outcome=connected.*menu_fallback`),
		regexp.MustCompile(`supervisor token: cs_\S+`),
	} {
		if !want.MatchString(got) {
			t.Errorf("demo output does not match %s:\n%s", want, got)
		}
	}
}

// TestDemoCurlLinesWorkAsPrinted (issue 11, low): each line the demo prints
// is run as a shell would split it, against the API, and answers 200.
func TestDemoCurlLinesWorkAsPrinted(t *testing.T) {
	srv := apitest.New(t)
	c := record.Call{ID: ulid.Make().String(), Intent: record.IntentDesk, Outcome: record.OutcomeCompleted,
		ArrivedAt: time.Now().Add(-time.Hour).UTC(), UpdatedAt: time.Now().UTC()}
	srv.Write(t, "/v1/calls", []record.Call{c})
	word := regexp.MustCompile(`'[^']*'|\S+`)
	for _, line := range demoCurlLines(srv.URL, srv.Tokens[record.RoleSupervisor], time.Now()) {
		args := word.FindAllString(strings.ReplaceAll(line, "CALL_ID", c.ID), -1)
		for i, a := range args {
			args[i] = strings.Trim(a, "'")
		}
		if len(args) != 5 || args[0] != "curl" || args[2] != "-H" {
			t.Fatalf("line %q is not curl -s -H HEADER URL", line)
		}
		name, value, _ := strings.Cut(args[3], ": ")
		req, err := http.NewRequest(http.MethodGet, args[4], nil)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		req.Header.Set(name, value)
		resp, err := srv.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s\n-> %d %s", line, resp.StatusCode, body)
		}
	}
}
