package api

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"callsvc/api/record"
)

// utf8BOM makes Excel read the file as UTF-8; without it Chinese names
// come out garbled.
const utf8BOM = "\uFEFF"

// csvHeader names the export's columns, in csvRow's order.
var csvHeader = []string{
	"id", "arrived_at", "answered_at", "ended_at", "caller_number", "caller_name",
	"customer_id", "dialed_number", "language", "intent", "outcome", "owner_staff_id",
	"staff_ids", "rings_to_answer", "answer_ms", "talk_seconds", "transferred",
	"message_taken", "ended_by", "node", "channel_id", "notes", "updated_at",
}

func csvRow(c record.Call) []string {
	return []string{
		c.ID, csvTime(&c.ArrivedAt), csvTime(c.AnsweredAt), csvTime(c.EndedAt),
		c.CallerNumber, c.CallerName, c.CustomerID, c.DialedNumber, c.Language,
		c.Intent, c.Outcome, c.OwnerStaffID, strings.Join(c.StaffIDs, " "),
		strconv.Itoa(c.RingsToAnswer), strconv.Itoa(c.AnswerMS), strconv.Itoa(c.TalkSeconds),
		strconv.FormatBool(c.Transferred), strconv.FormatBool(c.MessageTaken), c.EndedBy,
		c.Node, c.ChannelID, c.Notes, csvTime(&c.UpdatedAt),
	}
}

func csvTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// csvSafe defuses spreadsheet formula injection: a cell that starts with
// = + - @ (or a tab or carriage return, which Excel skips before looking)
// gets a leading apostrophe, so it shows as text and never runs. Phone
// numbers like +8613... are therefore exported as '+8613...
func csvSafe(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// countingWriter tells whether anything has reached the client yet: until
// then a failure can still be answered with a proper JSON error.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// exportCalls streams the call log as CSV for Excel: UTF-8 with a BOM, CRLF
// line ends, quoted as needed, formula-guarded, flushed every CSVFlushRows
// rows, never held in memory whole.
func (h *Handler) exportCalls(w http.ResponseWriter, r *http.Request) {
	f, err := h.scopedFilter(r, false)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="calls.csv"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// However long the export, a client that stops reading is cut off
	// after WriteTimeout (every flush must get through by then).
	rw := newRollingWriter(w, h.cfg.WriteTimeout, h.cfg.ExportLimit)
	cw := &countingWriter{w: rw}
	buf := bufio.NewWriterSize(cw, 64<<10)
	out := csv.NewWriter(buf)
	out.UseCRLF = true
	_, _ = buf.WriteString(utf8BOM)
	_ = out.Write(csvHeader)
	rows := 0
	flush := func() error {
		out.Flush()
		if err := out.Error(); err != nil {
			return err
		}
		if err := buf.Flush(); err != nil {
			return err
		}
		return rw.Flush()
	}
	err = h.cfg.Store.EachCall(r.Context(), f, func(c record.Call) error {
		row := csvRow(c)
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := out.Write(row); err != nil {
			return fmt.Errorf("write csv row: %w", err)
		}
		rows++
		if rows%h.cfg.CSVFlushRows == 0 {
			if err := flush(); err != nil {
				return fmt.Errorf("flush csv: %w", err)
			}
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		return
	}
	if cw.n == 0 {
		// Nothing sent yet: the client can still get a proper error.
		w.Header().Del("Content-Disposition")
		writeError(w, r, err)
		return
	}
	// Midway: the status is gone, so cut the connection; the client sees a
	// truncated transfer, never a short file that looks complete.
	logFrom(r.Context()).Error().Err(err).Int("rows", rows).Msg("csv export failed midway")
	panic(http.ErrAbortHandler)
}
