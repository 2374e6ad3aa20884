package calendar

import (
	"testing"
	"time"
)

func TestHoursAt(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600) // Asia/Shanghai without tzdata dependency
	h := Hours{Calendar: China(), Location: sh, Open: 9 * time.Hour, Close: 18 * time.Hour}
	at := func(y int, m time.Month, d, hh, mm int) time.Time {
		return time.Date(y, m, d, hh, mm, 0, 0, sh).UTC() // callers pass UTC instants
	}
	for _, tc := range []struct {
		name   string
		now    time.Time
		open   bool
		reason string
	}{
		{"OpenAtNine", at(2026, 11, 27, 9, 0), true, ReasonOpen},
		{"ClosedOneMinuteBeforeNine", at(2026, 11, 27, 8, 59), false, ReasonBeforeOpen},
		{"OpenAt1759", at(2026, 11, 27, 17, 59), true, ReasonOpen},
		{"ClosedAtSixSharp", at(2026, 11, 27, 18, 0), false, ReasonAfterClosing},
		{"ClosedSaturday", at(2026, 11, 28, 10, 0), false, ReasonWeekend},
		{"OpenOnMakeupSaturday", at(2026, 2, 28, 10, 0), true, ReasonOpen},
		{"ClosedOnNationalDay", at(2026, 10, 2, 10, 0), false, ReasonHoliday},
		// 01:30 UTC on 1 Oct is 09:30 in Shanghai: the local date decides.
		{"LocalDateNotUTCDate", time.Date(2026, 10, 1, 1, 30, 0, 0, time.UTC), false, ReasonHoliday},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := h.At(tc.now)
			if st.Open != tc.open || st.Reason != tc.reason {
				t.Fatalf("At(%v) = open %v reason %q, want %v %q", tc.now.In(sh), st.Open, st.Reason, tc.open, tc.reason)
			}
			if tc.reason == ReasonHoliday && st.Holiday == "" {
				t.Error("holiday without a name")
			}
		})
	}
}

func TestParseHours(t *testing.T) {
	for _, tc := range []struct {
		in          string
		open, close time.Duration
		wantErr     bool
	}{
		{"09:00-18:00", 9 * time.Hour, 18 * time.Hour, false},
		{" 08:30 - 24:00 ", 8*time.Hour + 30*time.Minute, 24 * time.Hour, false},
		{"18:00-09:00", 0, 0, true},
		{"9-6", 0, 0, true},
		{"", 0, 0, true},
	} {
		o, c, err := ParseHours(tc.in)
		if (err != nil) != tc.wantErr || o != tc.open || c != tc.close {
			t.Errorf("ParseHours(%q) = %v %v %v", tc.in, o, c, err)
		}
	}
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"09:00-18:00", " 08:30 - 24:00 ", "18:00-09:00", "9-6", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, c, err := ParseHours(s)
		if err == nil && (o < 0 || c <= o || c > 24*time.Hour) {
			t.Fatalf("ParseHours(%q) accepted %v-%v", s, o, c)
		}
	})
}
