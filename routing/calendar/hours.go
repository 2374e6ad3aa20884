package calendar

import (
	"fmt"
	"strings"
	"time"
)

// Hours is the desk's business hours: [Open, Close) after local midnight on
// working days of Calendar, in Location.
type Hours struct {
	Calendar Calendar       // nil: Weekends()
	Location *time.Location // nil: UTC
	Open     time.Duration  // e.g. 9h
	Close    time.Duration  // e.g. 18h; Close <= Open means closed all day
}

// Why the desk is closed (Status.Reason), stable ids for the call record.
const (
	ReasonOpen         = "open"
	ReasonHoliday      = "holiday"
	ReasonWeekend      = "weekend"
	ReasonBeforeOpen   = "before_open"
	ReasonAfterClosing = "after_closing"
)

// Status is the answer of Hours.At.
type Status struct {
	Open    bool
	Reason  string // one of the Reason* ids
	Holiday string // the holiday's name when Reason is ReasonHoliday
	Day     Day
	Local   time.Time // now in the desk's location
}

// At says whether the desk is open at now. Pin one now per decision.
func (h Hours) At(now time.Time) Status {
	loc := h.Location
	if loc == nil {
		loc = time.UTC
	}
	cal := h.Calendar
	if cal == nil {
		cal = Weekends()
	}
	local := now.In(loc)
	day := cal.Day(DateOf(local))
	st := Status{Day: day, Local: local}
	switch {
	case day.Off():
		st.Reason = ReasonHoliday
		for _, hd := range day.Holidays {
			if hd.Off {
				st.Holiday = hd.Name
				break
			}
		}
		return st
	case !day.Working():
		st.Reason = ReasonWeekend
		return st
	}
	y, m, d := local.Date()
	since := local.Sub(time.Date(y, m, d, 0, 0, 0, 0, loc))
	switch {
	case since < h.Open:
		st.Reason = ReasonBeforeOpen
	case since >= h.Close:
		st.Reason = ReasonAfterClosing
	default:
		st.Open, st.Reason = true, ReasonOpen
	}
	return st
}

// ParseHours reads "09:00-18:00" into Open and Close.
func ParseHours(s string) (open, close time.Duration, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return 0, 0, fmt.Errorf("business hours %q: want HH:MM-HH:MM", s)
	}
	if open, err = parseClock(a); err != nil {
		return 0, 0, fmt.Errorf("business hours %q: %w", s, err)
	}
	if close, err = parseClock(b); err != nil {
		return 0, 0, fmt.Errorf("business hours %q: %w", s, err)
	}
	if close <= open {
		return 0, 0, fmt.Errorf("business hours %q: closing time is not after opening time", s)
	}
	return open, close, nil
}

func parseClock(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "24:00" {
		return 24 * time.Hour, nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
