package api

import (
	"net/http"
	"time"
	_ "time/tzdata" // tz= must work on hosts without a zoneinfo database

	"callsvc/api/record"
)

// Summary is the S21 report: one row of figures per group.
type Summary struct {
	From time.Time           `json:"from"`
	To   time.Time           `json:"to"`
	By   string              `json:"by"`
	TZ   string              `json:"tz"`
	Rows []record.SummaryRow `json:"rows"`
}

var summaryGroups = map[string]bool{
	record.ByHour: true, record.ByDay: true, record.ByWeek: true, record.ByMonth: true,
	record.ByStaff: true, record.ByIntent: true,
}

func (h *Handler) summary(w http.ResponseWriter, r *http.Request) {
	p := newParams(r.URL.Query(), "from", "to", "by", "tz")
	q := record.SummaryQuery{From: p.time("from"), To: p.time("to"), By: p.oneOf("by", summaryGroups)}
	tz := p.str("tz")
	switch {
	case p.err != nil:
	case q.From.IsZero() || q.To.IsZero():
		p.fail(record.Errorf(record.EInvalid, "from and to are required"))
	case q.By == "":
		p.fail(record.Errorf(record.EInvalid, "by is required: hour, day, week, month, staff or intent"))
	}
	p.timeRange(q.From, q.To)
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		p.fail(record.Errorf(record.EInvalid, "tz %q is not an IANA time zone name", tz))
	}
	if p.err != nil {
		writeError(w, r, p.err)
		return
	}
	q.Location = loc
	rows, err := h.cfg.Store.Summary(r.Context(), q)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if rows == nil {
		rows = []record.SummaryRow{}
	}
	writeJSON(w, http.StatusOK, Summary{From: q.From, To: q.To, By: q.By, TZ: tz, Rows: rows})
}
