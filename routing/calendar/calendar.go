package calendar

import (
	"fmt"
	"sort"
	"time"
)

// Date is a civil date, without time or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is t's date in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// D is a short constructor for tables.
func D(y int, m time.Month, d int) Date { return Date{y, m, d} }

// ParseDate reads YYYY-MM-DD. Years before 1900 are refused as typos
// (the fuzzer found "0000-01-01" otherwise accepted).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	if t.Year() < 1900 {
		return Date{}, fmt.Errorf("parse date %q: year before 1900", s)
	}
	return DateOf(t), nil
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// time is midnight UTC of d; only for date arithmetic.
func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Weekday is d's day of the week.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// AddDays is d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n)) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.time().Before(e.time()) }

// Kind tells the greeting which holiday form fits (S2).
type Kind int

// Holiday kinds.
const (
	KindOther     Kind = iota // 節日快樂
	KindNewYear               // 新年快樂 (元旦 and 春節)
	KindChristmas             // 聖誕快樂
)

// Holiday is one named holiday falling on a date.
type Holiday struct {
	Name string // "春節", "Thanksgiving", a company day's name
	Kind Kind
	// Observed marks a day off given in place of a holiday that fell on a
	// weekend: a day off, but not the festival itself, so no greeting.
	Observed bool
	// Off says the day is a day off work (false for festivals that are
	// greeted but worked, such as a company's anniversary if so configured).
	Off bool
}

// Day is everything the calendars say about one date.
type Day struct {
	Date     Date
	Holidays []Holiday
	// Makeup marks a weekend day that is a working day because a holiday
	// was moved (China's 調休 上班 days).
	Makeup bool
}

// Off reports whether any holiday makes the day a day off.
func (d Day) Off() bool {
	for _, h := range d.Holidays {
		if h.Off {
			return true
		}
	}
	return false
}

// Working reports whether people work that day: a weekday that is not a
// day off, or a makeup working day.
func (d Day) Working() bool {
	if d.Off() {
		return false
	}
	if d.Makeup {
		return true
	}
	wd := d.Date.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Festival is the holiday to greet for (not an observed stand-in day);
// ok is false when there is none. New Year and Christmas win over others
// when two fall together, since their greeting is the specific one.
func (d Day) Festival() (Holiday, bool) {
	var best Holiday
	found := false
	for _, h := range d.Holidays {
		if h.Observed {
			continue
		}
		if !found || h.Kind > best.Kind {
			best, found = h, true
		}
	}
	return best, found
}

// Calendar answers for one date.
type Calendar interface {
	Day(d Date) Day
}

// Func adapts a function to Calendar.
type Func func(d Date) Day

// Day calls f.
func (f Func) Day(d Date) Day { return f(d) }

// Combine merges calendars: a date's holidays are all of theirs; it is a
// makeup working day if any calendar says so and none makes it a day off.
func Combine(cals ...Calendar) Calendar {
	return Func(func(d Date) Day {
		out := Day{Date: d}
		for _, c := range cals {
			if c == nil {
				continue
			}
			day := c.Day(d)
			out.Holidays = append(out.Holidays, day.Holidays...)
			out.Makeup = out.Makeup || day.Makeup
		}
		sort.SliceStable(out.Holidays, func(i, j int) bool { return out.Holidays[i].Name < out.Holidays[j].Name })
		return out
	})
}

// Weekends is the plain calendar: no holidays, Saturday and Sunday off.
func Weekends() Calendar { return Func(func(d Date) Day { return Day{Date: d} }) }

// CompanyDay is one of the company's own days (its anniversary, a closure).
type CompanyDay struct {
	Date Date
	Name string
	Off  bool // closed that day; false = greeted but worked
	Work bool // a weekend day the desk is open (a makeup working day)
}

// Company is a calendar of the company's own days.
func Company(days []CompanyDay) Calendar {
	byDate := make(map[Date][]Holiday, len(days))
	work := make(map[Date]bool)
	for _, cd := range days {
		byDate[cd.Date] = append(byDate[cd.Date], Holiday{Name: cd.Name, Kind: KindOther, Off: cd.Off})
		work[cd.Date] = work[cd.Date] || cd.Work
	}
	return Func(func(d Date) Day { return Day{Date: d, Holidays: byDate[d], Makeup: work[d]} })
}
