package api_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// TestSummaryFigures posts five calls and checks the S21 figures worked out
// by hand. Shanghai is UTC+8: the fifth call arrives on the 23rd in UTC but
// on the 24th in Shanghai.
func TestSummaryFigures(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) } // t0 is 09:00 in Shanghai

	c1 := answeredCall(1, h(0), 1, staffA) // answer 5000 ms
	c2 := answeredCall(2, h(1), 3, staffB) // 15000 ms
	c2.Intent, c2.Transferred = record.IntentComplaint, true
	c3 := answeredCall(3, h(2), 4, staffA) // 20000 ms: past three rings
	c3.MessageTaken = true
	c4 := answeredCall(4, h(3), 0) // abandoned: never answered
	ended := h(3).Add(20 * time.Second)
	c4.Intent, c4.Outcome, c4.AnsweredAt, c4.EndedAt, c4.TalkSeconds, c4.UpdatedAt = record.IntentDesk, record.OutcomeAbandoned, nil, &ended, 0, ended
	c5 := answeredCall(5, h(19), 2, staffB) // 10000 ms; 04:00 on the 24th in Shanghai
	srv.Write(t, "/v1/calls", []record.Call{c1, c2, c3, c4, c5})

	from := time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC) // 23rd 00:00 in Shanghai
	to := from.Add(48 * time.Hour)
	get := func(by, tz string) []record.SummaryRow {
		t.Helper()
		q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}, "by": {by}}
		if tz != "" {
			q.Set("tz", tz)
		}
		r := srv.Do(t, "GET", "/v1/reports/summary?"+q.Encode(), record.RoleSupervisor, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("summary by %s: %d %s", by, r.Status, r.Body)
		}
		var s api.Summary
		r.Decode(t, &s)
		return s.Rows
	}
	row := func(key string, offered, answered, within int, avg, p90 float64, abandoned, transferred, messages int, talk float64) record.SummaryRow {
		return record.SummaryRow{
			Key: key, Offered: offered, Answered: answered, AnsweredWithin3Rings: within,
			AnsweredWithin3RingsPct: 100 * float64(within) / float64(offered),
			AvgAnswerMS:             avg, P90AnswerMS: p90, Abandoned: abandoned,
			AbandonRate: float64(abandoned) / float64(offered), Transferred: transferred,
			MessagesTaken: messages, AvgTalkSeconds: talk,
		}
	}
	approx := cmpopts.EquateApprox(0, 0.01)
	for _, tc := range []struct {
		by, tz string
		want   []record.SummaryRow
	}{
		// 23rd: c1..c4. Answer times 5000, 15000, 20000: mean 13333.33; p90 is
		// at rank 0.9*(3-1) = 1.8, 15000 + 0.8*5000 = 19000.
		{"day", "Asia/Shanghai", []record.SummaryRow{
			row("2026-11-23", 4, 3, 2, 13333.33, 19000, 1, 1, 1, 90),
			row("2026-11-24", 1, 1, 1, 10000, 10000, 0, 0, 0, 90),
		}},
		// In UTC all five are on the 23rd: 5000, 10000, 15000, 20000: mean
		// 12500; p90 at rank 2.7: 15000 + 0.7*5000 = 18500.
		{"day", "", []record.SummaryRow{row("2026-11-23", 5, 4, 3, 12500, 18500, 1, 1, 1, 90)}},
		{"week", "Asia/Shanghai", []record.SummaryRow{row("2026-11-23", 5, 4, 3, 12500, 18500, 1, 1, 1, 90)}},
		{"month", "Asia/Shanghai", []record.SummaryRow{row("2026-11", 5, 4, 3, 12500, 18500, 1, 1, 1, 90)}},
		// A: c1, c3 (5000, 20000: p90 = 5000 + 0.9*15000 = 18500);
		// B: c2, c5 (15000, 10000: p90 = 10000 + 0.9*5000 = 14500).
		{"staff", "", []record.SummaryRow{
			row(staffA, 2, 2, 1, 12500, 18500, 0, 0, 1, 90),
			row(staffB, 2, 2, 2, 12500, 14500, 0, 1, 0, 90),
		}},
		// order: c1, c3, c5 (5000, 20000, 10000: mean 11666.67, p90 at rank
		// 1.8: 10000 + 0.8*10000 = 18000).
		{"intent", "", []record.SummaryRow{
			row("complaint", 1, 1, 1, 15000, 15000, 0, 1, 0, 90),
			row("desk", 1, 0, 0, 0, 0, 1, 0, 0, 0),
			row("order", 3, 3, 2, 11666.67, 18000, 0, 0, 1, 90),
		}},
	} {
		if diff := cmp.Diff(tc.want, get(tc.by, tc.tz), approx); diff != "" {
			t.Errorf("by %s tz %q (-want +got):\n%s", tc.by, tc.tz, diff)
		}
	}
}
