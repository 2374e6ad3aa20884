package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

// TestListCallsReadsEveryFieldAsWritten writes calls whose every field
// differs (Chinese and empty text, long notes, missing times, several
// staff) and reads them back page by page: the page scanner, which gathers
// a page's text in one buffer, must return exactly what was written, as
// the single-call path (GetCall) does.
func TestListCallsReadsEveryFieldAsWritten(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := context.Background()
	texts := []string{"", "張先生", "客戶要求補貨, 下週二前送達", "x", `"quoted" \\ back`, strings.Repeat("長", 700), "tab\there\nline"}
	pick := func(i, k int) string { return texts[(i*7+k*3)%len(texts)] }
	var want []record.Call
	for i := range 137 {
		at := t0.Add(time.Duration(i) * time.Minute).Add(time.Duration(i) * time.Microsecond)
		c := record.Call{
			ID: fmt.Sprintf("call-%03d", i), Node: pick(i, 1), ChannelID: pick(i, 2),
			CallerNumber: fmt.Sprintf("+86138000%05d", i), CallerName: pick(i, 3), CustomerID: pick(i, 4),
			DialedNumber: pick(i, 5), Language: pick(i, 6), Intent: pick(i, 7), OwnerStaffID: pick(i, 8),
			Outcome: pick(i, 9), EndedBy: pick(i, 10), ArrivedAt: at,
			RingsToAnswer: i % 4, AnswerMS: i * 10, TalkSeconds: i * 3,
			Transferred: i%2 == 0, MessageTaken: i%3 == 0, Notes: pick(i, 11), UpdatedAt: at.Add(time.Hour),
		}
		if i%3 != 0 {
			c.AnsweredAt = ptr(at.Add(2 * time.Second))
		}
		if i%5 != 0 {
			c.EndedAt = ptr(at.Add(3 * time.Minute))
		}
		for k := range i % 4 {
			c.StaffIDs = append(c.StaffIDs, fmt.Sprintf("s%d", (i+k)%9))
		}
		want = append(want, c)
	}
	if err := st.UpsertCalls(ctx, want); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(want) // the log lists newest first

	var got []record.Call
	f := record.CallFilter{Limit: 50}
	for {
		page, err := st.ListCalls(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.Calls...)
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("listed calls differ from written ones (-want +got):\n%s", d)
	}
	for _, c := range got[:10] {
		one, _, err := st.GetCall(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(one, c); d != "" {
			t.Errorf("call %s: page and GetCall differ (-get +page):\n%s", c.ID, d)
		}
	}
}
