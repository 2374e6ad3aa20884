package postgres_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"callsvc/api/record"
)

// TestSummaryFiguresCheckedByHand runs the S21 report over six calls whose
// figures were worked out by hand (in the comments). Asia/Shanghai is UTC+8,
// so c1 (16:30Z on the 26th) falls on the 27th there.
func TestSummaryFiguresCheckedByHand(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	answered := func(id, arrived, intent string, rings, ms, talk int, staff ...string) record.Call {
		a := at(arrived)
		return record.Call{ID: id, ArrivedAt: a, Intent: intent, AnsweredAt: ptr(a.Add(time.Duration(ms) * time.Millisecond)),
			EndedAt: ptr(a.Add(10 * time.Minute)), RingsToAnswer: rings, AnswerMS: ms, TalkSeconds: talk, StaffIDs: staff, UpdatedAt: a}
	}
	c2 := answered("c2", "2026-11-27T01:00:00Z", record.IntentComplaint, 2, 6000, 120, "s1", "s2")
	c2.Transferred = true
	c3 := answered("c3", "2026-11-27T02:00:00Z", record.IntentComplaint, 4, 16000, 30, "s2")
	c3.MessageTaken = true
	calls := []record.Call{
		answered("c1", "2026-11-26T16:30:00Z", record.IntentOrder, 1, 1000, 60, "s1"),
		c2, c3,
		// c4: never answered, ended: abandoned.
		{ID: "c4", ArrivedAt: at("2026-11-27T03:00:00Z"), EndedAt: ptr(at("2026-11-27T03:00:20Z")), Outcome: record.OutcomeAbandoned, UpdatedAt: at("2026-11-27T03:00:20Z")},
		// c5: still ringing: neither answered nor abandoned.
		{ID: "c5", ArrivedAt: at("2026-11-27T04:00:00Z"), Intent: record.IntentDesk, UpdatedAt: at("2026-11-27T04:00:00Z")},
		answered("c6", "2026-11-27T20:00:00Z", record.IntentOrder, 1, 3000, 90, "s1"),
		// Outside [From, To): counted nowhere.
		answered("c7", "2026-11-30T01:00:00Z", record.IntentOrder, 9, 99000, 999, "s1"),
		answered("c0", "2026-11-26T15:59:59Z", record.IntentOrder, 9, 99000, 999, "s1"),
	}
	if err := st.UpsertCalls(ctx, calls); err != nil {
		t.Fatal(err)
	}
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	from, to := at("2026-11-26T16:00:00Z"), at("2026-11-29T16:00:00Z")

	// The 27th (Shanghai): c1..c5. Answered c1, c2, c3 (answer ms 1000, 6000,
	// 16000): within 3 rings c1, c2 = 2 of 5 offered = 40%; mean 7666.67;
	// p90 at position 0.9*(3-1) = 1.8: 6000 + 0.8*(16000-6000) = 14000.
	// Abandoned c4: 1/5. Talk (60+120+30)/3 = 70.
	day27 := record.SummaryRow{Key: "2026-11-27", Offered: 5, Answered: 3, AnsweredWithin3Rings: 2, AnsweredWithin3RingsPct: 40,
		AvgAnswerMS: 23000.0 / 3, P90AnswerMS: 14000, Abandoned: 1, AbandonRate: 0.2, Transferred: 1, MessagesTaken: 1, AvgTalkSeconds: 70}
	day28 := record.SummaryRow{Key: "2026-11-28", Offered: 1, Answered: 1, AnsweredWithin3Rings: 1, AnsweredWithin3RingsPct: 100,
		AvgAnswerMS: 3000, P90AnswerMS: 3000, AvgTalkSeconds: 90}
	// Whole week/month: answered c1, c2, c3, c6 (1000, 3000, 6000, 16000):
	// within 3 rings c1, c2, c6 = 3 of 6 = 50%; mean 6500; p90 at 0.9*3 =
	// 2.7: 6000 + 0.7*10000 = 13000; abandoned 1/6; talk 300/4 = 75.
	whole := record.SummaryRow{Offered: 6, Answered: 4, AnsweredWithin3Rings: 3, AnsweredWithin3RingsPct: 50,
		AvgAnswerMS: 6500, P90AnswerMS: 13000, Abandoned: 1, AbandonRate: 1.0 / 6, Transferred: 1, MessagesTaken: 1, AvgTalkSeconds: 75}
	week, month := whole, whole
	week.Key, month.Key = "2026-11-23", "2026-11" // the 27th is a Friday; its ISO week starts Monday the 23rd

	for _, tc := range []struct {
		name string
		q    record.SummaryQuery
		want []record.SummaryRow
	}{
		{"ByDayInShanghai", record.SummaryQuery{From: from, To: to, By: record.ByDay, Location: shanghai}, []record.SummaryRow{day27, day28}},
		{"ByWeek", record.SummaryQuery{From: from, To: to, By: record.ByWeek, Location: shanghai}, []record.SummaryRow{week}},
		{"ByMonth", record.SummaryQuery{From: from, To: to, By: record.ByMonth, Location: shanghai}, []record.SummaryRow{month}},
		{"ByStaff", record.SummaryQuery{From: from, To: to, By: record.ByStaff}, []record.SummaryRow{
			// s1: c1, c2, c6 (1000, 3000, 6000): p90 at 1.8: 3000 + 0.8*3000 = 5400.
			{Key: "s1", Offered: 3, Answered: 3, AnsweredWithin3Rings: 3, AnsweredWithin3RingsPct: 100,
				AvgAnswerMS: 10000.0 / 3, P90AnswerMS: 5400, Transferred: 1, AvgTalkSeconds: 90},
			// s2: c2, c3 (6000, 16000): p90 at 0.9: 6000 + 0.9*10000 = 15000.
			{Key: "s2", Offered: 2, Answered: 2, AnsweredWithin3Rings: 1, AnsweredWithin3RingsPct: 50,
				AvgAnswerMS: 11000, P90AnswerMS: 15000, Transferred: 1, MessagesTaken: 1, AvgTalkSeconds: 75},
		}},
		{"ByIntent", record.SummaryQuery{From: from, To: to, By: record.ByIntent}, []record.SummaryRow{
			{Key: "", Offered: 1, Abandoned: 1, AbandonRate: 1},
			{Key: "complaint", Offered: 2, Answered: 2, AnsweredWithin3Rings: 1, AnsweredWithin3RingsPct: 50,
				AvgAnswerMS: 11000, P90AnswerMS: 15000, Transferred: 1, MessagesTaken: 1, AvgTalkSeconds: 75},
			{Key: "desk", Offered: 1},
			// order: c1, c6 (1000, 3000): p90 at 0.9: 1000 + 0.9*2000 = 2800.
			{Key: "order", Offered: 2, Answered: 2, AnsweredWithin3Rings: 2, AnsweredWithin3RingsPct: 100,
				AvgAnswerMS: 2000, P90AnswerMS: 2800, AvgTalkSeconds: 75},
		}},
		{"ByHourInShanghai", record.SummaryQuery{From: from, To: to, By: record.ByHour, Location: shanghai}, []record.SummaryRow{
			{Key: "2026-11-27T00", Offered: 1, Answered: 1, AnsweredWithin3Rings: 1, AnsweredWithin3RingsPct: 100, AvgAnswerMS: 1000, P90AnswerMS: 1000, AvgTalkSeconds: 60},
			{Key: "2026-11-27T09", Offered: 1, Answered: 1, AnsweredWithin3Rings: 1, AnsweredWithin3RingsPct: 100, AvgAnswerMS: 6000, P90AnswerMS: 6000, Transferred: 1, AvgTalkSeconds: 120},
			{Key: "2026-11-27T10", Offered: 1, Answered: 1, AvgAnswerMS: 16000, P90AnswerMS: 16000, MessagesTaken: 1, AvgTalkSeconds: 30},
			{Key: "2026-11-27T11", Offered: 1, Abandoned: 1, AbandonRate: 1},
			{Key: "2026-11-27T12", Offered: 1},
			{Key: "2026-11-28T04", Offered: 1, Answered: 1, AnsweredWithin3Rings: 1, AnsweredWithin3RingsPct: 100, AvgAnswerMS: 3000, P90AnswerMS: 3000, AvgTalkSeconds: 90},
		}},
		{"ByDayInUTCMovesC1", record.SummaryQuery{From: from, To: to, By: record.ByDay}, nil},
		{"EmptyRange", record.SummaryQuery{From: to, To: to.Add(time.Hour), By: record.ByDay}, []record.SummaryRow{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Summary(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil { // UTC: c1 is on the 26th, the rest on the 27th.
				if len(got) != 2 || got[0].Key != "2026-11-26" || got[0].Offered != 1 || got[1].Key != "2026-11-27" || got[1].Offered != 5 {
					t.Errorf("UTC days = %+v", got)
				}
				return
			}
			if d := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestSummaryBadQueryIsInvalid(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for name, q := range map[string]record.SummaryQuery{
		"NoRange":       {By: record.ByDay},
		"Backwards":     {From: from, To: from.Add(-time.Hour), By: record.ByDay},
		"UnknownGroup":  {From: from, To: from.Add(time.Hour), By: "minute"},
		"LocalTimeZone": {From: from, To: from.Add(time.Hour), By: record.ByDay, Location: time.Local},
		"UnknownZone":   {From: from, To: from.Add(time.Hour), By: record.ByDay, Location: time.FixedZone("Nowhere/Else", 3600)},
	} {
		_, err := st.Summary(ctx, q)
		if record.ErrorCode(err) != record.EInvalid {
			t.Errorf("%s: %v, want %s", name, err, record.EInvalid)
		}
	}
}
