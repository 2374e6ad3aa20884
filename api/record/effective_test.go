package record_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/record"
)

// now is a Wednesday, 10:30 in Shanghai.
var now = time.Date(2026, 11, 25, 2, 30, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := now.Add(d); return &t }

var officeHours = &record.WorkingHours{TimeZone: "Asia/Shanghai", Weekly: []record.WorkRange{
	{Day: "mon", Start: "09:00", End: "18:00"}, {Day: "tue", Start: "09:00", End: "18:00"},
	{Day: "wed", Start: "09:00", End: "12:00"}, {Day: "wed", Start: "13:00", End: "18:00"},
	{Day: "thu", Start: "09:00", End: "18:00"}, {Day: "fri", Start: "09:00", End: "18:00"},
}}

var nightShift = &record.WorkingHours{TimeZone: "Asia/Shanghai", Weekly: []record.WorkRange{
	{Day: "tue", Start: "22:00", End: "24:00"}, {Day: "wed", Start: "00:00", End: "06:00"},
}}

func TestEffective(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		p    record.Presence
		d    record.Derived
		now  time.Time
		want record.EffectiveStatus
	}{
		{"NeverSetIsAvailable", record.Presence{}, record.Derived{}, now,
			record.EffectiveStatus{Status: "available", Reason: "available"}},
		{"AvailableOnACall", record.Presence{Status: "available"}, record.Derived{OnCall: true}, now,
			record.EffectiveStatus{Status: "on_call", Reason: "phone in a bridge"}},
		{"AvailablePhoneUnreachable", record.Presence{Status: "available"}, record.Derived{Unreachable: true}, now,
			record.EffectiveStatus{Status: "unreachable", Reason: "phone endpoint or device unavailable"}},
		{"OnCallWinsOverUnreachable", record.Presence{Status: "available"}, record.Derived{OnCall: true, Unreachable: true}, now,
			record.EffectiveStatus{Status: "on_call", Reason: "phone in a bridge"}},
		{"MeetingS16StandsEvenOnACall", record.Presence{Status: "meeting"}, record.Derived{OnCall: true}, now,
			record.EffectiveStatus{Status: "meeting", Reason: "presence meeting"}},
		{"VisitorS17", record.Presence{Status: "visitor", Note: "client from Suzhou"}, record.Derived{}, now,
			record.EffectiveStatus{Status: "visitor", Reason: "presence visitor"}},
		{"EventS19KeepsWhere", record.Presence{Status: "event", Where: "the annual banquet"}, record.Derived{}, now,
			record.EffectiveStatus{Status: "event", Where: "the annual banquet", Reason: "presence event"}},
		{"OffDutyTyped", record.Presence{Status: "off_duty"}, record.Derived{}, now,
			record.EffectiveStatus{Status: "off_duty", Reason: "presence off_duty"}},
		{"OutS18UntilBackAt", record.Presence{Status: "out", Where: "Pudong warehouse", BackAt: at(90 * time.Minute)}, record.Derived{}, now,
			record.EffectiveStatus{Status: "out", Where: "Pudong warehouse", BackAt: at(90 * time.Minute), Reason: "presence out until back_at"}},
		{"OutWithoutReturnTime", record.Presence{Status: "out", Where: "a customer"}, record.Derived{}, now,
			record.EffectiveStatus{Status: "out", Where: "a customer", Reason: "presence out, no return time"}},
		{"OutBackAtPassedIsAvailable", record.Presence{Status: "out", BackAt: at(-time.Minute)}, record.Derived{}, now,
			record.EffectiveStatus{Status: "available", Reason: "out, but back_at has passed"}},
		{"OutBackAtExactlyNowIsBack", record.Presence{Status: "out", BackAt: at(0)}, record.Derived{}, now,
			record.EffectiveStatus{Status: "available", Reason: "out, but back_at has passed"}},
		{"OutBackAtPassedButPhoneUnreachable", record.Presence{Status: "out", BackAt: at(-time.Hour)}, record.Derived{Unreachable: true}, now,
			record.EffectiveStatus{Status: "unreachable", Reason: "phone endpoint or device unavailable"}},
		{"WithinWorkingHours", record.Presence{Status: "available", WorkingHours: officeHours}, record.Derived{}, now,
			record.EffectiveStatus{Status: "available", Reason: "available"}},
		{"LunchBreakIsOutsideHours", record.Presence{Status: "available", WorkingHours: officeHours}, record.Derived{}, now.Add(2 * time.Hour),
			record.EffectiveStatus{Status: "off_duty", Reason: "outside working hours"}},
		{"SaturdayIsOutsideHours", record.Presence{Status: "available", WorkingHours: officeHours}, record.Derived{}, now.Add(72 * time.Hour),
			record.EffectiveStatus{Status: "off_duty", Reason: "outside working hours"}},
		{"OutsideHoursBeatsOnCall", record.Presence{Status: "available", WorkingHours: officeHours}, record.Derived{OnCall: true}, now.Add(-4 * time.Hour),
			record.EffectiveStatus{Status: "off_duty", Reason: "outside working hours"}},
		{"NightShiftAcrossMidnight", record.Presence{Status: "available", WorkingHours: nightShift}, record.Derived{}, now.Add(-10 * time.Hour),
			record.EffectiveStatus{Status: "available", Reason: "available"}},
		{"NightShiftEndsAtSix", record.Presence{Status: "available", WorkingHours: nightShift}, record.Derived{}, now,
			record.EffectiveStatus{Status: "off_duty", Reason: "outside working hours"}},
		{"EmptyWeeklyMeansNoHoursKept", record.Presence{Status: "available", WorkingHours: &record.WorkingHours{TimeZone: "UTC"}}, record.Derived{}, now,
			record.EffectiveStatus{Status: "available", Reason: "available"}},
		{"BadZoneNeverHidesAPerson", record.Presence{Status: "available", WorkingHours: &record.WorkingHours{TimeZone: "Mars/Olympus",
			Weekly: []record.WorkRange{{Day: "sun", Start: "00:00", End: "00:01"}}}}, record.Derived{}, now,
			record.EffectiveStatus{Status: "available", Reason: "available"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := record.Effective(tc.p, tc.d, tc.now)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Effective (-want +got):\n%s", diff)
			}
			if got.Reachable() != (tc.want.Status == "available") {
				t.Errorf("Reachable = %v for %s", got.Reachable(), got.Status)
			}
		})
	}
}

func TestWorkingHoursValidate(t *testing.T) {
	t.Parallel()
	r := func(day, s, e string) []record.WorkRange { return []record.WorkRange{{Day: day, Start: s, End: e}} }
	for _, tc := range []struct {
		name string
		wh   record.WorkingHours
		want string // "" = valid; else the error message
	}{
		{"OfficeHours", *officeHours, ""},
		{"UntilMidnight", record.WorkingHours{TimeZone: "UTC", Weekly: r("sun", "20:00", "24:00")}, ""},
		{"NoZone", record.WorkingHours{Weekly: r("mon", "09:00", "18:00")}, "working_hours.timezone: is required, such as Asia/Shanghai"},
		{"UnknownZone", record.WorkingHours{TimeZone: "Asia/Atlantis"}, `working_hours.timezone: "Asia/Atlantis" is not a known time zone`},
		{"LocalZoneRefused", record.WorkingHours{TimeZone: "Local"}, `working_hours.timezone: "Local" is not a known time zone`},
		{"BadDay", record.WorkingHours{TimeZone: "UTC", Weekly: r("monday", "09:00", "18:00")}, "working_hours.weekly[0].day: must be mon, tue, wed, thu, fri, sat or sun"},
		{"BadStart", record.WorkingHours{TimeZone: "UTC", Weekly: r("mon", "9:00", "18:00")}, "working_hours.weekly[0].start: must be a time of day such as 09:00"},
		{"SignedHour", record.WorkingHours{TimeZone: "UTC", Weekly: r("mon", "+9:00", "18:00")}, "working_hours.weekly[0].start: must be a time of day such as 09:00"},
		{"StartAt24", record.WorkingHours{TimeZone: "UTC", Weekly: r("mon", "24:00", "24:00")}, "working_hours.weekly[0].start: must be a time of day such as 09:00"},
		{"BadEnd", record.WorkingHours{TimeZone: "UTC", Weekly: r("mon", "09:00", "24:30")}, "working_hours.weekly[0].end: must be a time of day such as 18:00, or 24:00"},
		{"EndBeforeStart", record.WorkingHours{TimeZone: "UTC", Weekly: r("mon", "22:00", "06:00")}, "working_hours.weekly[0]: end must be after start (split a night shift at midnight)"},
		{"TooManyRanges", record.WorkingHours{TimeZone: "UTC", Weekly: make([]record.WorkRange, 51)}, "working_hours.weekly: has more than 50 ranges"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.wh.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate: %v, want valid", err)
			case tc.want != "" && record.ErrorCode(err) != record.EInvalid:
				t.Errorf("Validate: %v, want EInvalid", err)
			case tc.want != "" && record.ErrorMessage(err) != tc.want:
				t.Errorf("message %q, want %q", record.ErrorMessage(err), tc.want)
			}
		})
	}
}

// BenchmarkEffective is the cost of one person's status in a routing
// decision, with working hours (their zone is loaded each time).
func BenchmarkEffective(b *testing.B) {
	p := record.Presence{Status: record.PresenceAvailable, WorkingHours: officeHours}
	for b.Loop() {
		if e := record.Effective(p, record.Derived{}, now); !e.Reachable() {
			b.Fatal(e)
		}
	}
}
