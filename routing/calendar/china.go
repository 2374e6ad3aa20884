package calendar

import "time"

// China's public holidays are set each year by a State Council General
// Office notice (國務院辦公廳關於XXXX年部分節假日安排的通知), usually
// published in November of the year before. The ranges below are days off
// (放假調休) and the makeup working days (上班) exactly as those notices
// give them:
//
//   - 2025: 國辦發明電〔2024〕12號, 12 Nov 2024.
//   - 2026: notice of 4 Nov 2025.
//   - 2027: the notice was not available to us when this table was written,
//     so 2027 (like any year not listed) is NOT guessed: ChinaKnown reports
//     false, and only the fixed-date statutory days of the 2024 revision of
//     the national holiday rules are applied (元旦 1 Jan, 勞動節 1-2 May,
//     國慶節 1-3 Oct), without lunar holidays or makeup days. Add the year
//     here when its notice is out.

type cnRange struct {
	name     string
	kind     Kind
	from, to Date // inclusive
}

type cnYear struct {
	off    []cnRange
	makeup []Date
}

var chinaYears = map[int]cnYear{
	2025: {
		off: []cnRange{
			{"元旦", KindNewYear, D(2025, 1, 1), D(2025, 1, 1)},
			{"春節", KindNewYear, D(2025, 1, 28), D(2025, 2, 4)},
			{"清明節", KindOther, D(2025, 4, 4), D(2025, 4, 6)},
			{"勞動節", KindOther, D(2025, 5, 1), D(2025, 5, 5)},
			{"端午節", KindOther, D(2025, 5, 31), D(2025, 6, 2)},
			{"國慶節", KindOther, D(2025, 10, 1), D(2025, 10, 8)},
			{"中秋節", KindOther, D(2025, 10, 6), D(2025, 10, 6)}, // inside the National Day break
		},
		makeup: []Date{D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)},
	},
	2026: {
		off: []cnRange{
			{"元旦", KindNewYear, D(2026, 1, 1), D(2026, 1, 3)},
			{"春節", KindNewYear, D(2026, 2, 15), D(2026, 2, 23)},
			{"清明節", KindOther, D(2026, 4, 4), D(2026, 4, 6)},
			{"勞動節", KindOther, D(2026, 5, 1), D(2026, 5, 5)},
			{"端午節", KindOther, D(2026, 6, 19), D(2026, 6, 21)},
			{"中秋節", KindOther, D(2026, 9, 25), D(2026, 9, 27)},
			{"國慶節", KindOther, D(2026, 10, 1), D(2026, 10, 7)},
		},
		makeup: []Date{D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)},
	},
}

// ChinaKnown reports whether year's State Council notice is in the table.
func ChinaKnown(year int) bool { _, ok := chinaYears[year]; return ok }

// China is the mainland China calendar (see the notes above on years).
func China() Calendar {
	return Func(func(d Date) Day {
		day := Day{Date: d}
		y, ok := chinaYears[d.Year]
		if !ok {
			day.Holidays = chinaStatutory(d)
			return day
		}
		for _, r := range y.off {
			if !d.Before(r.from) && !r.to.Before(d) {
				day.Holidays = append(day.Holidays, Holiday{Name: r.name, Kind: r.kind, Off: true})
			}
		}
		for _, m := range y.makeup {
			if m == d {
				day.Makeup = true
			}
		}
		return day
	})
}

// chinaStatutory is the fixed-date part of the national holiday rules,
// used for years whose notice we do not have.
func chinaStatutory(d Date) []Holiday {
	switch {
	case d.Month == time.January && d.Day == 1:
		return []Holiday{{Name: "元旦", Kind: KindNewYear, Off: true}}
	case d.Month == time.May && d.Day <= 2:
		return []Holiday{{Name: "勞動節", Kind: KindOther, Off: true}}
	case d.Month == time.October && d.Day <= 3:
		return []Holiday{{Name: "國慶節", Kind: KindOther, Off: true}}
	}
	return nil
}
