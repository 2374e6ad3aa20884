package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/oklog/ulid/v2"

	"callsvc/api/apitest"
	"callsvc/api/record"
	"callsvc/ari/aritest"
	"callsvc/routing/prompt"
)

// TestConsoleInBrowser drives the console in a real headless Chromium
// against callsvc as serve runs it: an agent sees a ringing call's card
// with its context, adds a note and transfers it, and the colleague's card
// shows the note; presence changes; a message plays; the supervisor's
// wallboard changes when the call ends and equals the report; the call
// log filters; a chart renders; an agent cannot open a supervisor page or
// another agent's call.
func TestConsoleInBrowser(t *testing.T) {
	browser := newBrowser(t)
	s := newConsoleStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	a, b, boss := s.staff["2001"], s.staff["2002"], s.staff["2009"]

	wang := s.signIn(t, browser, "2001", "/console/agent")
	li := s.signIn(t, browser, "2002", "/console/agent")
	sup := s.signIn(t, browser, "2009", "/console/wallboard")
	wang.wait(`document.querySelector("#card .call-card.idle") !== null`, "the idle card")

	// A known customer rings and asks for the desk: 王芳's phone rings and
	// her card shows who is calling and what they want.
	caller := s.pbx.Dial(ctx, aritest.CallerOptions{From: "+8613800138000", To: "100", Args: []string{"inbound"}})
	if err := caller.WaitHeard(ctx, prompt.Media(prompt.ZH, prompt.KeyMenuOrder)); err != nil {
		t.Fatalf("the caller never heard the menu: %v", err)
	}
	if err := caller.Press(ctx, "0"); err != nil {
		t.Fatal(err)
	}
	legA, err := s.phones["2001"].WaitRinging(ctx)
	if err != nil {
		t.Fatalf("王芳's phone never rang: %v", err)
	}
	wang.wait(`(() => { const c = document.querySelector("#card .call-card"); return c && c.dataset.state === "offered" && c.innerText.includes("張先生") })()`, "the ringing card")
	card := eval[string](wang, `document.querySelector("#card .call-card").innerText`)
	for _, want := range []string{"張先生", "華東五金", "貴賓", "服務台", "+8613800138000", "第 1 聲鈴響接聽"} {
		if !strings.Contains(card, want) {
			t.Errorf("the ringing card lacks %q:\n%s", want, card)
		}
	}
	t.Logf("card on screen %.0f ms after the phone started ringing (event time to DOM)", eval[float64](wang, `window.callsvcLatency.at(-1).ms`))

	if err := legA.Answer(ctx); err != nil {
		t.Fatal(err)
	}
	wang.wait(`document.querySelector("#card .call-card").dataset.state === "connected"`, "the card connected")

	// A note from the page, then a blind transfer to 李明 with it.
	wang.do(chromedp.SetValue("#note-text", "客戶要一張發票"))
	eval[bool](wang, `document.querySelector("form.note-form").requestSubmit() || true`)
	wang.wait(`document.querySelector("#card-notes").innerText.includes("客戶要一張發票")`, "the note on the card")
	s.shot(t, wang, "console-agent-card.png")
	eval[bool](wang, fmt.Sprintf(`(() => { const f = document.querySelector("form.transfer"); f.querySelector("select[name=person]").value = %q; f.requestSubmit(); return true })()`, b.ID))
	wang.wait(`document.querySelector("#card-flash .flash.ok") !== null`, "the transfer under way")
	legB, err := s.phones["2002"].WaitRinging(ctx)
	if err != nil {
		t.Fatalf("李明's phone never rang: %v", err)
	}
	li.wait(`(() => { const c = document.querySelector("#card .call-card"); return c && c.dataset.state === "offered" && c.querySelector("#card-notes").innerText.includes("客戶要一張發票") })()`, "李明's card with the note")
	if err := legB.Answer(ctx); err != nil {
		t.Fatal(err)
	}
	li.wait(`document.querySelector("#card .call-card").dataset.state === "connected"`, "李明's card connected")
	chain := eval[string](li, `document.querySelector("#card .call-card").innerText`)
	if !strings.Contains(chain, "王芳") {
		t.Errorf("李明's card does not show who had the call before:\n%s", chain)
	}
	wang.wait(`document.querySelector("#card .call-card").dataset.state === "ended"`, "王芳's card ended")

	// The wallboard while the call is on: one call talking.
	sup.wait(`document.querySelector('[data-stage="talking"]').textContent === "1"`, "one call talking on the wallboard")
	before := eval[string](sup, `document.querySelector('[data-fig="talk"]').dataset.value`)

	// Presence from the page.
	eval[bool](wang, `(() => { const f = document.querySelector("#presence form"); f.querySelector("select[name=status]").value = "meeting"; f.requestSubmit(); return true })()`)
	wang.wait(`document.querySelector("#presence .badge").textContent === "開會中"`, "the meeting status")
	if p, err := s.st.GetPresence(ctx, a.ID); err != nil || p.Status != record.PresenceMeeting {
		t.Errorf("stored presence = %+v, %v; want meeting", p, err)
	}

	// A message for 王芳 plays in her page and is marked handled.
	msgID := callID(1)
	if _, _, err := s.st.CreateMessage(ctx, record.Message{ID: msgID, CallID: callID(2), ForStaffID: a.ID, CallerNumber: "+8613911112222",
		CallerName: "陳小姐", CallbackNumber: "+8613911112222", DurationMS: 1000, Status: record.MessageNew, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := s.st.PutMessageAudio(ctx, msgID, apitest.WAV(8000, 1)); err != nil {
		t.Fatal(err)
	}
	wang.do(chromedp.Navigate(s.base + "/console/agent"))
	wang.wait(`document.querySelector("#mymessages audio") !== null`, "the message with a player")
	if _, err := chromedp.Run(wang.ctx, chromedp.Evaluate[bool](`document.querySelector("#mymessages audio").play().then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("the message does not play: %v", err)
	}
	wang.wait(`(() => { const a = document.querySelector("#mymessages audio"); return a.currentTime > 0 || a.ended })()`, "the message playing")
	eval[bool](wang, `document.querySelector("#mymessages button").click() || true`)
	wang.wait(`document.querySelector("#mymessages .msg.handled") !== null`, "the message handled")
	if m, err := s.st.GetMessage(ctx, msgID); err != nil || m.Status != record.MessageHandled || m.HandledBy != a.ID {
		t.Errorf("stored message = %+v, %v; want handled by 王芳", m, err)
	}

	// The call ends: the wallboard's figures change and equal the report.
	if err := caller.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, ctx, s, boss)
	sup.wait(`document.querySelector('[data-stage="talking"]').textContent === "0" && document.querySelector('[data-fig="talk"]').dataset.value !== `+strconv.Quote(before), "the wallboard after the call ended")
	rep := s.todayReport(t, ctx)
	board := eval[map[string]string](sup, `Object.fromEntries([...document.querySelectorAll("[data-fig]")].map(e => [e.dataset.fig, e.dataset.value || e.textContent]))`)
	want := map[string]string{
		"offered":   strconv.Itoa(rep.Offered),
		"within3":   fmt.Sprintf("%.1f", rep.AnsweredWithin3RingsPct),
		"asa":       fmt.Sprintf("%.0f", rep.AvgAnswerMS),
		"abandoned": fmt.Sprintf("%.1f", 100*rep.AbandonRate),
		"talk":      fmt.Sprintf("%.0f", rep.AvgTalkSeconds),
		"messages":  "0",
	}
	for k, v := range want {
		if board[k] != v {
			t.Errorf("wallboard %s = %q, the report says %q (board %v, report %+v)", k, board[k], v, board, rep)
		}
	}

	// The call log filters; the call's timeline reads as sentences.
	sup.do(chromedp.Navigate(s.base + "/console/calls?intent=desk"))
	sup.wait(`document.querySelectorAll("tr.call-row").length === 1`, "one desk call in the log")
	sup.do(chromedp.Navigate(s.base + "/console/calls?intent=order"))
	sup.wait(`document.querySelectorAll("tr.call-row").length === 0 && document.querySelector("td.empty") !== null`, "no order calls")
	sup.do(chromedp.Navigate(s.base + "/console/calls"))
	sup.wait(`document.querySelectorAll("tr.call-row").length === 1`, "the call in the log")
	sup.do(chromedp.Navigate(s.base + eval[string](sup, `document.querySelector("tr.call-row a").getAttribute("href")`)))
	sup.wait(`document.querySelectorAll(".timeline li").length > 8`, "the timeline")
	timeline := eval[string](sup, `document.querySelector(".timeline").innerText`)
	for _, want := range []string{"來電者選擇「服務台」", "王芳 加入備註：「客戶要一張發票」", "來電者與 李明 接通", "王芳 要求直接轉接給 李明"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, timeline)
		}
	}
	s.shot(t, sup, "console-timeline.png")

	// A chart renders.
	sup.do(chromedp.Navigate(s.base + "/console/reports"))
	sup.wait(`document.querySelectorAll(".chart.drawn canvas").length >= 3`, "the charts drawn")

	// An agent cannot open a supervisor page, nor a call they took no part in.
	other := record.Call{ID: callID(3), CallerNumber: "+8613700000000", ArrivedAt: time.Now().UTC().Add(-time.Hour),
		StaffIDs: []string{b.ID}, Outcome: record.OutcomeConnected, UpdatedAt: time.Now().UTC()}
	if err := s.st.UpsertCalls(ctx, []record.Call{other}); err != nil {
		t.Fatal(err)
	}
	for path, status := range map[string]string{"/console/wallboard": "403", "/console/reports": "403", "/console/calls/" + other.ID: "找不到"} {
		wang.do(chromedp.Navigate(s.base + path))
		wang.wait(`document.body.innerText.includes(`+strconv.Quote(status)+`)`, "refused "+path)
	}
	wang.do(chromedp.Navigate(s.base + "/console/calls"))
	wang.wait(`document.querySelectorAll("tr.call-row").length === 1`, "王芳's own call only")
	if eval[bool](wang, `document.body.innerHTML.includes(`+strconv.Quote(other.ID)+`)`) {
		t.Errorf("王芳's call log shows 李明's other call")
	}
}

// callID makes an id for records a test writes itself.
func callID(int) string { return ulid.Make().String() }

// shot saves a full-page screenshot under CALLSVC_SCREENSHOTS, when set
// (the README's pictures are taken this way).
func (s *consoleStack) shot(t *testing.T, p *person, name string) {
	t.Helper()
	dir := os.Getenv("CALLSVC_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitEnded waits until the store has closed every call.
func waitEnded(t *testing.T, ctx context.Context, s *consoleStack, _ record.Staff) {
	t.Helper()
	for {
		page, err := s.st.ListCalls(ctx, record.CallFilter{Outcome: record.OutcomeInProgress, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Calls) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("calls never ended: %+v", page.Calls)
		case <-time.After(20 * time.Millisecond): // polling the store for the end, not sleeping for a result
		}
	}
}

// todayReport reads today's row of the summary report through the API.
func (s *consoleStack) todayReport(t *testing.T, ctx context.Context) record.SummaryRow {
	t.Helper()
	from, to := dayBounds(time.Now(), s.loc)
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}, "by": {"day"}, "tz": {s.loc.String()}}
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/v1/reports/summary?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+s.tokens["2009"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var rep struct {
		Rows []record.SummaryRow `json:"rows"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &rep) != nil || len(rep.Rows) != 1 {
		t.Fatalf("summary: %d %s", resp.StatusCode, body)
	}
	return rep.Rows[0]
}

func dayBounds(now time.Time, loc *time.Location) (time.Time, time.Time) {
	n := now.In(loc)
	from := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 1)
}
