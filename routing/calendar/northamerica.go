package calendar

import "time"

// nthWeekday is the n-th (1-based) wd of month; n = -1 is the last one.
func nthWeekday(year int, month time.Month, wd time.Weekday, n int) Date {
	if n < 0 {
		last := D(year, month+1, 1).AddDays(-1)
		back := (int(last.Weekday()) - int(wd) + 7) % 7
		return last.AddDays(-back)
	}
	first := D(year, month, 1)
	ahead := (int(wd) - int(first.Weekday()) + 7) % 7
	return first.AddDays(ahead + 7*(n-1))
}

// easter is Western Easter Sunday (the anonymous Gregorian algorithm).
func easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return D(year, time.Month(month), day)
}

type fixedRule struct {
	name string
	kind Kind
	date func(year int) Date
}

func fixed(m time.Month, d int) func(int) Date {
	return func(y int) Date { return D(y, m, d) }
}

func nth(m time.Month, wd time.Weekday, n int) func(int) Date {
	return func(y int) Date { return nthWeekday(y, m, wd, n) }
}

// ruleCalendar builds a calendar from rules; observe maps a holiday on a
// weekend to the weekday given off instead (ok false: none).
func ruleCalendar(rules []fixedRule, observe func(d Date, taken map[Date]bool) (Date, bool)) Calendar {
	return Func(func(d Date) Day {
		day := Day{Date: d}
		// Look at this year and its neighbours: 1 Jan observed on 31 Dec.
		for _, y := range []int{d.Year - 1, d.Year, d.Year + 1} {
			taken := map[Date]bool{}
			for _, r := range rules {
				taken[r.date(y)] = true
			}
			for _, r := range rules {
				hd := r.date(y)
				if hd == d {
					day.Holidays = append(day.Holidays, Holiday{Name: r.name, Kind: r.kind, Off: true})
				}
				if obs, ok := observe(hd, taken); ok && obs == d {
					day.Holidays = append(day.Holidays, Holiday{Name: r.name + " (observed)", Kind: r.kind, Observed: true, Off: true})
				}
				// Mark the observed day taken so a following holiday
				// (Boxing Day after Christmas) moves past it.
				if obs, ok := observe(hd, taken); ok {
					taken[obs] = true
				}
			}
		}
		return day
	})
}

// UnitedStates is the US federal holiday calendar (5 U.S.C. 6103): a
// holiday on Saturday is observed on Friday, on Sunday on Monday.
func UnitedStates() Calendar {
	rules := []fixedRule{
		{"New Year's Day", KindNewYear, fixed(time.January, 1)},
		{"Martin Luther King Jr. Day", KindOther, nth(time.January, time.Monday, 3)},
		{"Washington's Birthday", KindOther, nth(time.February, time.Monday, 3)},
		{"Memorial Day", KindOther, nth(time.May, time.Monday, -1)},
		{"Juneteenth", KindOther, fixed(time.June, 19)},
		{"Independence Day", KindOther, fixed(time.July, 4)},
		{"Labor Day", KindOther, nth(time.September, time.Monday, 1)},
		{"Columbus Day", KindOther, nth(time.October, time.Monday, 2)},
		{"Veterans Day", KindOther, fixed(time.November, 11)},
		{"Thanksgiving Day", KindOther, nth(time.November, time.Thursday, 4)},
		{"Christmas Day", KindChristmas, fixed(time.December, 25)},
	}
	return ruleCalendar(rules, func(d Date, _ map[Date]bool) (Date, bool) {
		switch d.Weekday() {
		case time.Saturday:
			return d.AddDays(-1), true
		case time.Sunday:
			return d.AddDays(1), true
		}
		return Date{}, false
	})
}

// Canada is the federal general holiday calendar (Canada Labour Code,
// s. 166): a holiday on a weekend is given on the next working day that is
// not itself a holiday (Christmas on Saturday -> Monday, Boxing Day on
// Sunday -> Tuesday).
func Canada() Calendar {
	rules := []fixedRule{
		{"New Year's Day", KindNewYear, fixed(time.January, 1)},
		{"Good Friday", KindOther, func(y int) Date { return easter(y).AddDays(-2) }},
		// Victoria Day: the Monday before 25 May.
		{"Victoria Day", KindOther, func(y int) Date { return nthWeekday(y, time.May, time.Monday, -1).lastBefore(D(y, time.May, 25)) }},
		{"Canada Day", KindOther, fixed(time.July, 1)},
		{"Labour Day", KindOther, nth(time.September, time.Monday, 1)},
		{"National Day for Truth and Reconciliation", KindOther, fixed(time.September, 30)},
		{"Thanksgiving Day", KindOther, nth(time.October, time.Monday, 2)},
		{"Remembrance Day", KindOther, fixed(time.November, 11)},
		{"Christmas Day", KindChristmas, fixed(time.December, 25)},
		{"Boxing Day", KindOther, fixed(time.December, 26)},
	}
	return ruleCalendar(rules, func(d Date, taken map[Date]bool) (Date, bool) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return Date{}, false
		}
		n := d.AddDays(1)
		for n.Weekday() == time.Saturday || n.Weekday() == time.Sunday || taken[n] {
			n = n.AddDays(1)
		}
		return n, true
	})
}

// lastBefore walks back from a Monday d (the last Monday of May) to the
// last Monday strictly before limit.
func (d Date) lastBefore(limit Date) Date {
	for !d.Before(limit) {
		d = d.AddDays(-7)
	}
	return d
}
