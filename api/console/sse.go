package console

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// sseWriter writes Server-Sent Events: each pushed fragment is one event
// whose data lines are the HTML.
type sseWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

// sseWriteTimeout bounds each write of a stream: a stream lasts as long as
// its browser reads it, but one that stops reading is let go after this
// (the streams send a keep-alive every 15 s, so a live one always writes).
const sseWriteTimeout = 30 * time.Second

func startSSE(w http.ResponseWriter) (*sseWriter, bool) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	s := &sseWriter{w: w, rc: rc}
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return nil, false
	}
	return s, s.rc.Flush() == nil
}

// send writes one event (id 0: none) and flushes it.
func (s *sseWriter) send(id int64, event, data string) error {
	var b strings.Builder
	if id > 0 {
		fmt.Fprintf(&b, "id: %d\n", id)
	}
	fmt.Fprintf(&b, "event: %s\n", event)
	for _, line := range strings.Split(data, "\n") {
		b.WriteString("data: ")
		b.WriteString(strings.TrimRight(line, "\r"))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	_ = s.rc.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
	if _, err := s.w.Write([]byte(b.String())); err != nil {
		return err
	}
	return s.rc.Flush()
}

func (s *sseWriter) comment(text string) error {
	_ = s.rc.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
	if _, err := fmt.Fprintf(s.w, ": %s\n\n", text); err != nil {
		return err
	}
	return s.rc.Flush()
}
