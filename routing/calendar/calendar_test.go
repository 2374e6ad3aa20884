package calendar

import (
	"testing"
	"time"
)

func holidayNames(d Day) []string {
	var out []string
	for _, h := range d.Holidays {
		out = append(out, h.Name)
	}
	return out
}

// Every range and makeup day of the State Council notices for 2025 and 2026.
func TestChinaPublishedNotices(t *testing.T) {
	cn := China()
	for _, tc := range []struct {
		name    string
		date    Date
		working bool
		holiday string // a holiday expected that day, "" for none
	}{
		{"NewYear2025OneDayOnly", D(2025, 1, 1), false, "元旦"},
		{"Jan2_2025Worked", D(2025, 1, 2), true, ""},
		{"SpringFestival2025FirstDay", D(2025, 1, 28), false, "春節"},
		{"SpringFestival2025LastDay", D(2025, 2, 4), false, "春節"},
		{"SpringFestival2025MakeupSunday", D(2025, 1, 26), true, ""},
		{"SpringFestival2025MakeupSaturday", D(2025, 2, 8), true, ""},
		{"Qingming2025", D(2025, 4, 4), false, "清明節"},
		{"Labour2025MakeupSunday", D(2025, 4, 27), true, ""},
		{"Labour2025LastDay", D(2025, 5, 5), false, "勞動節"},
		{"Dragon2025", D(2025, 6, 2), false, "端午節"},
		{"NationalDay2025MakeupBefore", D(2025, 9, 28), true, ""},
		{"MidAutumnInsideNationalDay2025", D(2025, 10, 6), false, "中秋節"},
		{"NationalDay2025LastDay", D(2025, 10, 8), false, "國慶節"},
		{"NationalDay2025MakeupAfter", D(2025, 10, 11), true, ""},
		{"NewYear2026ThreeDays", D(2026, 1, 3), false, "元旦"},
		{"NewYear2026MakeupSunday", D(2026, 1, 4), true, ""},
		{"SpringFestival2026MakeupBefore", D(2026, 2, 14), true, ""},
		{"SpringFestival2026Start", D(2026, 2, 15), false, "春節"},
		{"SpringFestival2026End", D(2026, 2, 23), false, "春節"},
		{"Feb24_2026Worked", D(2026, 2, 24), true, ""},
		{"SpringFestival2026MakeupAfter", D(2026, 2, 28), true, ""},
		{"Qingming2026Monday", D(2026, 4, 6), false, "清明節"},
		{"Labour2026", D(2026, 5, 4), false, "勞動節"},
		{"Labour2026MakeupSaturday", D(2026, 5, 9), true, ""},
		{"Dragon2026", D(2026, 6, 19), false, "端午節"},
		{"NationalDay2026MakeupSunday", D(2026, 9, 20), true, ""},
		{"MidAutumn2026", D(2026, 9, 25), false, "中秋節"},
		{"NationalDay2026", D(2026, 10, 7), false, "國慶節"},
		{"NationalDay2026MakeupSaturday", D(2026, 10, 10), true, ""},
		{"PlainSaturdayOff", D(2026, 11, 28), false, ""},
		{"PlainFridayWorked", D(2026, 11, 27), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			day := cn.Day(tc.date)
			if day.Working() != tc.working {
				t.Errorf("%s working = %v, want %v (%+v)", tc.date, day.Working(), tc.working, day)
			}
			if tc.holiday == "" && len(day.Holidays) > 0 {
				t.Errorf("%s holidays = %v, want none", tc.date, holidayNames(day))
			}
			if tc.holiday != "" {
				found := false
				for _, h := range day.Holidays {
					found = found || h.Name == tc.holiday
				}
				if !found {
					t.Errorf("%s holidays = %v, want %s", tc.date, holidayNames(day), tc.holiday)
				}
			}
		})
	}
}

// A year without a notice gets only the fixed-date statutory days, and says
// it is not known rather than pretending.
func TestChinaUnpublishedYearIsNotGuessed(t *testing.T) {
	if ChinaKnown(2027) {
		t.Fatal("2027 claims a notice; update this test with the table")
	}
	if !ChinaKnown(2025) || !ChinaKnown(2026) {
		t.Fatal("2025/2026 notices missing")
	}
	cn := China()
	if cn.Day(D(2027, 1, 1)).Working() || cn.Day(D(2027, 10, 3)).Working() {
		t.Error("fixed statutory days of 2027 are not off")
	}
	if !cn.Day(D(2027, 2, 8)).Working() { // a Monday; lunar dates are not guessed
		t.Error("2027-02-08 off without a notice")
	}
}

func TestNorthAmericaRules(t *testing.T) {
	us, ca := UnitedStates(), Canada()
	for _, tc := range []struct {
		name     string
		cal      Calendar
		date     Date
		working  bool
		festival string // greeted festival that day, "" none
	}{
		{"USThanksgiving2026FourthThursday", us, D(2026, 11, 26), false, "Thanksgiving Day"},
		{"USNotThanksgivingThirdThursday", us, D(2026, 11, 19), true, ""},
		{"USIndependenceDaySaturday2026", us, D(2026, 7, 4), false, "Independence Day"},
		{"USIndependenceObservedFriday2026", us, D(2026, 7, 3), false, ""},
		{"USChristmas2026Friday", us, D(2026, 12, 25), false, "Christmas Day"},
		{"USNewYear2022ObservedPrevFriday", us, D(2021, 12, 31), false, ""},
		{"USMemorialDay2026LastMonday", us, D(2026, 5, 25), false, "Memorial Day"},
		{"USLaborDay2026", us, D(2026, 9, 7), false, "Labor Day"},
		{"USMLK2026", us, D(2026, 1, 19), false, "Martin Luther King Jr. Day"},
		{"CAThanksgiving2026SecondMonday", ca, D(2026, 10, 12), false, "Thanksgiving Day"},
		{"CAGoodFriday2026", ca, D(2026, 4, 3), false, "Good Friday"},
		{"CAGoodFriday2025", ca, D(2025, 4, 18), false, "Good Friday"},
		{"CAVictoriaDay2026MondayBefore25", ca, D(2026, 5, 18), false, "Victoria Day"},
		{"CAVictoriaDay2025", ca, D(2025, 5, 19), false, "Victoria Day"},
		{"CAChristmas2027Saturday", ca, D(2027, 12, 25), false, "Christmas Day"},
		{"CAChristmas2027ObservedMonday", ca, D(2027, 12, 27), false, ""},
		{"CABoxingDay2027ObservedTuesday", ca, D(2027, 12, 28), false, ""},
		{"CAWednesdayAfterWorked", ca, D(2027, 12, 29), true, ""},
		{"CACanadaDay2026", ca, D(2026, 7, 1), false, "Canada Day"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			day := tc.cal.Day(tc.date)
			if day.Working() != tc.working {
				t.Errorf("%s working = %v, want %v (%v)", tc.date, day.Working(), tc.working, holidayNames(day))
			}
			f, ok := day.Festival()
			if (tc.festival != "") != ok || f.Name != tc.festival {
				t.Errorf("%s festival = %q %v, want %q", tc.date, f.Name, ok, tc.festival)
			}
		})
	}
}

func TestEaster(t *testing.T) {
	for y, want := range map[int]Date{2024: D(2024, 3, 31), 2025: D(2025, 4, 20), 2026: D(2026, 4, 5), 2027: D(2027, 3, 28), 2038: D(2038, 4, 25)} {
		if got := easter(y); got != want {
			t.Errorf("easter(%d) = %s, want %s", y, got, want)
		}
	}
}

func TestCombineAndCompanyDays(t *testing.T) {
	cal := Combine(China(), Company([]CompanyDay{
		{Date: D(2026, 3, 18), Name: "Founding day", Off: false},
		{Date: D(2026, 8, 14), Name: "Stocktaking", Off: true},
	}), nil)
	if d := cal.Day(D(2026, 3, 18)); !d.Working() {
		t.Error("a worked company festival became a day off")
	} else if f, ok := d.Festival(); !ok || f.Name != "Founding day" {
		t.Errorf("festival = %+v %v", f, ok)
	}
	if cal.Day(D(2026, 8, 14)).Working() {
		t.Error("company closure is worked")
	}
	if !cal.Day(D(2026, 2, 28)).Working() {
		t.Error("China makeup day lost in Combine")
	}
}

func TestFestivalPrefersSpecificGreeting(t *testing.T) {
	d := Day{Holidays: []Holiday{{Name: "Company day"}, {Name: "Christmas Day", Kind: KindChristmas}, {Name: "x (observed)", Kind: KindNewYear, Observed: true}}}
	if f, _ := d.Festival(); f.Kind != KindChristmas {
		t.Fatalf("festival = %+v", f)
	}
}

func TestDateHelpers(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil || d != D(2026, 2, 28) || d.AddDays(1) != D(2026, 3, 1) || d.String() != "2026-02-28" || d.Weekday() != time.Saturday {
		t.Fatalf("date helpers: %v %v", d, err)
	}
	if _, err := ParseDate("28/02/2026"); err == nil {
		t.Fatal("bad date accepted")
	}
}
