package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"callsvc/api/record"
)

// chart is one chart's data for the page's script (uPlot): labels along
// the x axis, one series of values.
type chart struct {
	Kind   string    `json:"kind"` // bars or line
	Labels []string  `json:"labels"`
	Values []float64 `json:"values"`
	Unit   string    `json:"unit,omitempty"`
	Max    float64   `json:"max,omitempty"`
}

// reportView is the reports page.
type reportView struct {
	From, To  string // YYYY-MM-DD, inclusive
	TZ        string
	Zones     []string
	PerHour   chart
	Within3   chart
	Abandoned chart
	ByPerson  []namedRow
	Persons   chart
	ByIntent  []namedRow
	Days      []record.SummaryRow
	Empty     bool
}

type namedRow struct {
	Name string
	record.SummaryRow
}

// zones offered on the reports page (the company's own comes first).
var zones = []string{"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "UTC", "America/New_York", "America/Toronto", "America/Los_Angeles", "Europe/London"}

// reportsPage draws the S21 figures for a range and time zone chosen on
// the page, read through the API's report route.
func (c *Console) reportsPage(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	q := r.URL.Query()
	tz := q.Get("tz")
	if tz == "" {
		tz = c.cfg.Location.String()
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		c.failErr(w, r, record.Errorf(record.EInvalid, "unknown time zone %q", tz))
		return
	}
	now := c.cfg.Now().In(loc)
	v := reportView{TZ: tz, Zones: zones, From: q.Get("from"), To: q.Get("to")}
	if v.To == "" {
		v.To = now.Format("2006-01-02")
	}
	if v.From == "" {
		v.From = now.AddDate(0, 0, -6).Format("2006-01-02")
	}
	if tz != zones[0] && !contains(v.Zones, tz) {
		v.Zones = append([]string{tz}, v.Zones...)
	}
	from, err1 := time.ParseInLocation("2006-01-02", v.From, loc)
	to, err2 := time.ParseInLocation("2006-01-02", v.To, loc)
	if err1 != nil || err2 != nil || to.Before(from) {
		c.failErr(w, r, record.Errorf(record.EInvalid, "the range is two dates, YYYY-MM-DD, the first not after the second"))
		return
	}
	to = to.AddDate(0, 0, 1)
	api := c.apiClient(s.secret)
	ctx := r.Context()
	read := func(by string) ([]record.SummaryRow, error) {
		return api.Summary(ctx, record.SummaryQuery{From: from, To: to, By: by, Location: loc})
	}
	hours, err := read(record.ByHour)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	perHour := make([]float64, 24)
	for _, h := range hours {
		if i := strings.LastIndexByte(h.Key, 'T'); i >= 0 {
			if n, err := strconv.Atoi(h.Key[i+1:]); err == nil && n >= 0 && n < 24 {
				perHour[n] += float64(h.Offered)
			}
		}
	}
	v.PerHour = chart{Kind: "bars", Values: perHour}
	for i := range 24 {
		v.PerHour.Labels = append(v.PerHour.Labels, strconv.Itoa(i))
	}
	if v.Days, err = read(record.ByDay); err != nil {
		c.failErr(w, r, err)
		return
	}
	v.Within3 = chart{Kind: "line", Unit: "%", Max: 100}
	v.Abandoned = chart{Kind: "bars"}
	for _, d := range v.Days {
		day := d.Key[5:] // MM-DD
		v.Within3.Labels = append(v.Within3.Labels, day)
		v.Within3.Values = append(v.Within3.Values, d.AnsweredWithin3RingsPct)
		v.Abandoned.Labels = append(v.Abandoned.Labels, day)
		v.Abandoned.Values = append(v.Abandoned.Values, float64(d.Abandoned))
	}
	staff, err := c.allStaff(ctx)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	name := namer(staff)
	persons, err := read(record.ByStaff)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	v.Persons = chart{Kind: "bars"}
	for _, p := range persons {
		v.ByPerson = append(v.ByPerson, namedRow{Name: name(p.Key), SummaryRow: p})
		v.Persons.Labels = append(v.Persons.Labels, name(p.Key))
		v.Persons.Values = append(v.Persons.Values, float64(p.Answered))
	}
	byIntent, err := read(record.ByIntent)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	lang := langOf(r)
	for _, i := range byIntent {
		v.ByIntent = append(v.ByIntent, namedRow{Name: label(lang, "intent", i.Key), SummaryRow: i})
	}
	v.Empty = len(v.Days) == 0
	c.page(w, r, "reports.html", "reports", "rep.title", v)
}

// staffPage is the directory with everyone's status now.
func (c *Console) staffPage(w http.ResponseWriter, r *http.Request) {
	people, err := c.directory(r.Context())
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	c.page(w, r, "staff.html", "staff", "staff.title", people)
}

// messagesPage lists messages for everyone (supervisors), through the API.
func (c *Console) messagesPage(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	status := r.URL.Query().Get("status")
	if status != record.MessageHandled && status != "all" {
		status = record.MessageNew
	}
	f := record.MessageFilter{Limit: 100}
	if status != "all" {
		f.Status = status
	}
	page, err := c.apiClient(s.secret).ListMessages(r.Context(), f)
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	staff, err := c.allStaff(r.Context())
	if err != nil {
		c.failErr(w, r, err)
		return
	}
	v := messagesView{Messages: page.Messages, Names: staffNames(staff), Status: status}
	c.page(w, r, "messages.html", "messages", "nav.messages", v)
}
