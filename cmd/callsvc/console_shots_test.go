package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
	"callsvc/ari/aritest"
	"callsvc/routing/prompt"
)

// TestConsoleScreenshots takes the README's pictures of a busy morning: a
// week of calls behind, colleagues away, callers in every stage now. It
// runs with CALLSVC_SCREENSHOTS=DIR (make screenshots).
func TestConsoleScreenshots(t *testing.T) {
	if os.Getenv("CALLSVC_SCREENSHOTS") == "" {
		t.Skip("set CALLSVC_SCREENSHOTS=DIR to take the console's screenshots")
	}
	browser := newBrowser(t)
	s := newConsoleStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	// More colleagues, some away.
	now := time.Now()
	back := now.Add(90 * time.Minute).UTC()
	for _, p := range []struct {
		st  record.Staff
		pre record.Presence
	}{
		{record.Staff{Name: "陳靜", Extension: "2003", Endpoint: "PJSIP/2003", Department: "desk", Role: record.RoleAgent, Active: true},
			record.Presence{Status: record.PresenceMeeting}},
		{record.Staff{Name: "劉強", Extension: "2004", Endpoint: "PJSIP/2004", Department: "support", Role: record.RoleAgent, Active: true},
			record.Presence{Status: record.PresenceOut, Where: "浦東倉庫", BackAt: &back}},
		{record.Staff{Name: "周敏", Extension: "2005", Endpoint: "PJSIP/2005", Department: "sales", Role: record.RoleAgent, Active: true},
			record.Presence{Status: record.PresenceOffDuty}},
	} {
		st, err := s.st.CreateStaff(ctx, p.st)
		if err != nil {
			t.Fatal(err)
		}
		p.pre.StaffID, p.pre.UpdatedBy = st.ID, st.ID
		if _, err := s.st.SetPresence(ctx, p.pre); err != nil {
			t.Fatal(err)
		}
	}
	// A week of calls behind (earlier than this morning's live ones).
	var calls []record.Call
	intentsByHour := []string{record.IntentOrder, record.IntentDesk, record.IntentComplaint, record.IntentOrder, record.IntentPerson, record.IntentSuggestion}
	staff := []string{s.staff["2001"].ID, s.staff["2002"].ID}
	for d := 6; d >= 0; d-- {
		for h := 9; h <= 17; h++ {
			for k := 0; k < 1+(h*7+d*3)%4; k++ {
				arr := time.Date(now.Year(), now.Month(), now.Day(), h, 3+k*11, 0, 0, s.loc).AddDate(0, 0, -d).UTC()
				if arr.After(now.Add(-10 * time.Minute)) {
					continue
				}
				i := h + k + d
				c := record.Call{ID: ulid.Make().String(), CallerNumber: fmt.Sprintf("+86138%08d", i*37%99999999), ArrivedAt: arr,
					Intent: intentsByHour[i%len(intentsByHour)], UpdatedAt: arr.Add(5 * time.Minute)}
				end := arr.Add(time.Duration(60+i*13%400) * time.Second)
				c.EndedAt, c.EndedBy = &end, "caller"
				if i%9 == 4 {
					c.Outcome = record.OutcomeAbandoned
				} else {
					ans := arr.Add(time.Duration(300+i*97%2500) * time.Millisecond)
					c.AnsweredAt, c.AnswerMS, c.RingsToAnswer = &ans, int(ans.Sub(arr)/time.Millisecond), 1+i%7/5
					c.StaffIDs, c.OwnerStaffID = []string{staff[i%2]}, staff[i%2]
					c.TalkSeconds, c.Outcome = 40+i*29%300, record.OutcomeConnected
				}
				calls = append(calls, c)
			}
		}
	}
	if err := s.st.UpsertCalls(ctx, calls); err != nil {
		t.Fatal(err)
	}

	wang := s.signIn(t, browser, "2001", "/console/agent")
	sup := s.signIn(t, browser, "2009", "/console/wallboard")

	// Now: one caller in the menu, one talking with 李明, one ringing 王芳.
	dial := func(from string) *aritest.Call {
		c := s.pbx.Dial(ctx, aritest.CallerOptions{From: from, To: "100", Args: []string{"inbound"}})
		if err := c.WaitHeard(ctx, prompt.Media(prompt.ZH, prompt.KeyMenuOrder)); err != nil {
			t.Fatal(err)
		}
		return c
	}
	order := dial("+8613511112222")
	if err := order.Press(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	leg, err := s.phones["2002"].WaitRinging(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := leg.Answer(ctx); err != nil {
		t.Fatal(err)
	}
	dial("+8602188886666")
	desk := dial("+8613800138000")
	if err := desk.Press(ctx, "0"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.phones["2001"].WaitRinging(ctx); err != nil {
		t.Fatal(err)
	}
	wang.wait(`document.querySelector("#card .call-card[data-state=offered]") !== null`, "the ringing card")
	s.shot(t, wang, "console-agent-ringing.png")
	sup.wait(`document.querySelector('[data-stage="talking"]').textContent === "1" && document.querySelector('[data-stage="waiting"]').textContent === "1"`, "calls in every stage")
	s.shot(t, sup, "console-wallboard.png")
	sup.do(navigate(s.base + "/console/reports"))
	sup.wait(`document.querySelectorAll(".chart.drawn canvas").length >= 3`, "the charts drawn")
	s.shot(t, sup, "console-reports.png")
}
