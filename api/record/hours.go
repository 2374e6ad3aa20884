package record

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// WorkingHours are a person's weekly working hours in their time zone.
// Ranges may not cross midnight: a night shift is two ranges.
type WorkingHours struct {
	TimeZone string      `json:"timezone"` // IANA name, e.g. Asia/Shanghai
	Weekly   []WorkRange `json:"weekly"`
}

// WorkRange is one working period of a weekday, [Start, End) in local
// clock time "HH:MM"; End may be "24:00".
type WorkRange struct {
	Day   string `json:"day"` // mon, tue, wed, thu, fri, sat, sun
	Start string `json:"start"`
	End   string `json:"end"`
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// MaxWorkRanges bounds a week's ranges; more is surely a mistake.
const MaxWorkRanges = 50

// Validate checks the time zone and every range, and returns the zone. The
// message of an error names the field at fault and is user-safe.
func (w WorkingHours) Validate() (*time.Location, error) {
	if w.TimeZone == "" {
		return nil, Errorf(EInvalid, "working_hours.timezone: is required, such as Asia/Shanghai")
	}
	if len(w.TimeZone) > 64 {
		return nil, Errorf(EInvalid, "working_hours.timezone: is longer than 64 bytes")
	}
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil || strings.EqualFold(w.TimeZone, "local") {
		return nil, Errorf(EInvalid, "working_hours.timezone: %q is not a known time zone", w.TimeZone)
	}
	if len(w.Weekly) > MaxWorkRanges {
		return nil, Errorf(EInvalid, "working_hours.weekly: has more than %d ranges", MaxWorkRanges)
	}
	for i, r := range w.Weekly {
		at := fmt.Sprintf("working_hours.weekly[%d]", i)
		if _, ok := weekdays[r.Day]; !ok {
			return nil, Errorf(EInvalid, "%s.day: must be mon, tue, wed, thu, fri, sat or sun", at)
		}
		s, ok1 := clockMinutes(r.Start)
		e, ok2 := clockMinutes(r.End)
		switch {
		case !ok1 || s == 24*60:
			return nil, Errorf(EInvalid, "%s.start: must be a time of day such as 09:00", at)
		case !ok2:
			return nil, Errorf(EInvalid, "%s.end: must be a time of day such as 18:00, or 24:00", at)
		case e <= s:
			return nil, Errorf(EInvalid, "%s: end must be after start (split a night shift at midnight)", at)
		}
	}
	return loc, nil
}

// Within reports whether t falls in one of the ranges, in the hours' time
// zone. Hours that do not validate count as always working, so a bad entry
// never hides a person.
func (w WorkingHours) Within(t time.Time) bool {
	loc, err := w.Validate()
	if err != nil {
		return true
	}
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	for _, r := range w.Weekly {
		if weekdays[r.Day] != lt.Weekday() {
			continue
		}
		s, _ := clockMinutes(r.Start)
		e, _ := clockMinutes(r.End)
		if m >= s && m < e {
			return true
		}
	}
	return false
}

// clockMinutes parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func clockMinutes(s string) (int, bool) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) != 2 || len(mm) != 2 || !digits(hh) || !digits(mm) {
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
