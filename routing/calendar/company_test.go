package calendar

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCompanyDays(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		want    []CompanyDay
		wantErr bool
	}{
		{"WorkedAndClosed", "2026-03-18=Founding day;2026-08-14=Stocktaking=off",
			[]CompanyDay{{Date: D(2026, 3, 18), Name: "Founding day"}, {Date: D(2026, 8, 14), Name: "Stocktaking", Off: true}}, false},
		{"NewLinesAndBlanks", "\n 2026-03-18 = 週年慶 \n\n", []CompanyDay{{Date: D(2026, 3, 18), Name: "週年慶"}}, false},
		{"WeekendWorked", "2026-12-05=Year-end=work",
			[]CompanyDay{{Date: D(2026, 12, 5), Name: "Year-end", Work: true}}, false},
		{"Empty", "", nil, false},
		{"BadDate", "2026-13-01=x", nil, true},
		{"NoName", "2026-03-18=", nil, true},
		{"BadFlag", "2026-03-18=x=closed", nil, true},
		{"NoEquals", "2026-03-18", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCompanyDays(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestCompanyWorkDayOpensAWeekend(t *testing.T) {
	days, err := ParseCompanyDays("2026-12-05=Year-end=work")
	if err != nil {
		t.Fatal(err)
	}
	cal := Company(days)
	if sat := cal.Day(D(2026, 12, 5)); !sat.Working() {
		t.Errorf("Saturday 2026-12-05 marked work: not a working day: %+v", sat)
	}
	if sun := cal.Day(D(2026, 12, 6)); sun.Working() {
		t.Errorf("Sunday 2026-12-06 (not marked) is a working day: %+v", sun)
	}
}

func FuzzParseCompanyDays(f *testing.F) {
	for _, s := range []string{"2026-03-18=Founding day;2026-08-14=Stocktaking=off", "\n 2026-03-18 = 週年慶 \n\n", "2026-13-01=x", "2026-03-18=x=closed"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		days, err := ParseCompanyDays(s)
		if err != nil {
			return
		}
		for _, d := range days {
			if d.Name == "" || d.Date.Year < 1900 {
				t.Fatalf("accepted %+v from %q", d, s)
			}
		}
	})
}
