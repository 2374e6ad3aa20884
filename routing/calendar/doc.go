// Package calendar answers the date questions of the phone line: is this a
// working day, which holiday is it (for the S2 holiday greeting), and is
// the desk open now (business hours).
//
// Calendars: China (the State Council's published holiday and makeup
// working day notices, see china.go), the United States and Canada
// (federal holidays computed by rule), and the company's own days. Combine
// joins them:
//
//	loc, _ := time.LoadLocation("Asia/Shanghai")
//	cal := calendar.Combine(calendar.China(), calendar.Company(nil))
//	hours := calendar.Hours{Calendar: cal, Location: loc, Open: 9 * time.Hour, Close: 18 * time.Hour}
//	st := hours.At(time.Now())
//	_ = st.Open // false at night, on weekends and on holidays
package calendar
