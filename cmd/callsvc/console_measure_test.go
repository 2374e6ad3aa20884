package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"callsvc/ari/aritest"
	"callsvc/routing/prompt"
)

// TestConsoleLatency measures, in the browser, how long after a call event
// its change is on screen: each pushed fragment carries its event's time
// and the page notes when it lands (console.js, window.callsvcLatency). It
// also weighs the agent page and the wallboard (HTML, scripts, styles as
// sent). It runs with CALLSVC_MEASURE=1 (about a minute); the figures go
// to the log and the README, never into an assertion.
func TestConsoleLatency(t *testing.T) {
	if os.Getenv("CALLSVC_MEASURE") == "" {
		t.Skip("set CALLSVC_MEASURE=1 to measure event-to-screen latency and page weight")
	}
	browser := newBrowser(t)
	s := newConsoleStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	wang := s.signIn(t, browser, "2001", "/console/agent")
	sup := s.signIn(t, browser, "2009", "/console/wallboard")
	t.Logf("page weight, agent desk: %s", s.weight(t, "2001", "/console/agent"))
	t.Logf("page weight, wallboard: %s", s.weight(t, "2009", "/console/wallboard"))

	// Wallboard: callers ring in, hear the menu and hang up; every change
	// of the board (arrived, answered, ended...) is one pushed fragment.
	const callers = 50
	for i := range callers {
		c := s.pbx.Dial(ctx, aritest.CallerOptions{From: fmt.Sprintf("+86139%08d", i), To: "100", Args: []string{"inbound"}})
		if err := c.WaitHeard(ctx, prompt.Media(prompt.ZH, prompt.KeyMenuOrder)); err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		if err := c.Hangup(ctx); err != nil {
			t.Fatal(err)
		}
		<-c.Done()
	}
	waitEnded(t, ctx, s, s.staff["2009"])
	sup.wait(`document.querySelector('[data-fig="offered"]').textContent === "`+strconv.Itoa(callers)+`"`, "every call counted")
	board := eval[[]float64](sup, `window.callsvcLatency.filter(x => x.slot === "board").map(x => x.ms)`)
	t.Logf("wallboard, event to screen over %d pushed changes (%d calls): %s", len(board), callers, percentiles(board))
	if len(board) < callers {
		t.Errorf("only %d wallboard changes reached the screen for %d calls", len(board), callers)
	}

	// The agent's card: calls ring 王芳's phone; the caller gives up while
	// it rings. Each ring is one card pushed.
	const rings = 20
	for i := range rings {
		c := s.pbx.Dial(ctx, aritest.CallerOptions{From: fmt.Sprintf("+86138%08d", i), To: "100", Args: []string{"inbound"}})
		if err := c.WaitHeard(ctx, prompt.Media(prompt.ZH, prompt.KeyMenuOrder)); err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		if err := c.Press(ctx, "0"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.phones["2001"].WaitRinging(ctx); err != nil {
			t.Fatal(err)
		}
		wang.wait(`window.callsvcLatency.filter(x => x.slot === "card").length >= `+strconv.Itoa(2*i+1), "the ringing card")
		if err := c.Hangup(ctx); err != nil {
			t.Fatal(err)
		}
		<-c.Done()
		wang.wait(`["missed", "ended"].includes(document.querySelector("#card .call-card").dataset.state)`, "the card after the caller left")
	}
	cards := eval[[]float64](wang, `window.callsvcLatency.filter(x => x.slot === "card").map(x => x.ms)`)
	t.Logf("agent card, event to screen over %d cards (%d rings): %s", len(cards), rings, percentiles(cards))
	t.Logf("cards: %s", eval[string](wang, `JSON.stringify(window.callsvcLatency.filter(x => x.slot === "card").map(x => x.state + ":" + Math.round(x.ms)))`))
}

// percentiles is "p50 X ms, p99 Y ms, max Z ms" (nearest rank).
func percentiles(ms []float64) string {
	if len(ms) == 0 {
		return "no samples"
	}
	s := append([]float64(nil), ms...)
	sort.Float64s(s)
	at := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return fmt.Sprintf("p50 %.0f ms, p99 %.0f ms, max %.0f ms (n=%d)", at(0.50), at(0.99), s[len(s)-1], len(s))
}

// weight is what a first visit to page downloads: the HTML and every
// script and style sheet it links, fetched as a browser with an empty
// cache would (gzip accepted), summed as sent and as decoded.
func (s *consoleStack) weight(t *testing.T, ext, page string) string {
	t.Helper()
	get := func(path string, gzipped bool) (int, int) {
		req, _ := http.NewRequest("GET", s.base+path, nil)
		req.AddCookie(&http.Cookie{Name: "callsvc_session", Value: s.tokens[ext]})
		if gzipped {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		decoded := len(raw)
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(zr)
			decoded = len(b)
		}
		return len(raw), decoded
	}
	sent, decoded := get(page, true)
	req, _ := http.NewRequest("GET", s.base+page, nil)
	req.AddCookie(&http.Cookie{Name: "callsvc_session", Value: s.tokens[ext]})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range regexp.MustCompile(`(?:src|href)="(/console/assets/[^"]+)"`).FindAllStringSubmatch(string(body), -1) {
		a, b := get(strings.ReplaceAll(m[1], "&amp;", "&"), true)
		sent += a
		decoded += b
	}
	return fmt.Sprintf("%.1f KB sent, %.1f KB uncompressed (HTML + JS + CSS)", float64(sent)/1024, float64(decoded)/1024)
}
