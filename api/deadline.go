package api

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// ConfigureServer sets the connection-level deadlines of srv from the
// config (headers, idle keep-alive) and makes h its handler. Read and write
// deadlines are per request and per route (Deadlines, routeWrite), so
// srv.ReadTimeout and srv.WriteTimeout are left at zero: net/http would
// otherwise cut every stream at the same point, and a read deadline left
// running during a handler cancels its context.
func (h *Handler) ConfigureServer(srv *http.Server) {
	srv.Handler = h
	srv.ReadHeaderTimeout = h.cfg.ReadHeaderTimeout
	srv.IdleTimeout = h.cfg.IdleTimeout
	srv.ReadTimeout, srv.WriteTimeout = 0, 0
	srv.MaxHeaderBytes = 64 << 10
}

// NewServer is an http.Server for h with ConfigureServer's settings.
func (h *Handler) NewServer() *http.Server {
	srv := &http.Server{}
	h.ConfigureServer(srv)
	return srv
}

// Deadlines gives every request a write deadline (write from now) and,
// when it has a body, a read deadline (body from now) that is lifted once
// the body has been read, so a client trickling its body or not reading
// its answer holds only its own connection, and not for long. Routes
// that need longer move the write deadline themselves (routeWrite,
// rollingWriter).
func Deadlines(body, write time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			_ = rc.SetWriteDeadline(time.Now().Add(write))
			if r.Body != nil && r.Body != http.NoBody {
				if err := rc.SetReadDeadline(time.Now().Add(body)); err == nil {
					r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// deadlineBody lifts the read deadline once the body is read to its end:
// from then on net/http reads the connection only to notice the client
// leaving, which must not end the request.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if errors.Is(err, io.EOF) && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return n, errBodyTimeout
	}
	return n, err
}

// errBodyTimeout is a body that did not arrive within BodyTimeout.
var errBodyTimeout = errors.New("the request body did not arrive in time")

// routeWrite moves the write deadline of a route that waits on something
// before it answers (the call engine): its wait plus the usual write time.
func routeWrite(wait, write time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(wait + write))
			next.ServeHTTP(w, r)
		})
	}
}

// rollingWriter writes a long response (an export, audio, a stream): every
// write and flush must make progress within step, and nothing is written
// after end. A client that stops reading is cut off after step; one that
// reads is served until end.
type rollingWriter struct {
	w    io.Writer
	rc   *http.ResponseController
	step time.Duration
	end  time.Time
}

func newRollingWriter(w http.ResponseWriter, step, limit time.Duration) *rollingWriter {
	return &rollingWriter{w: w, rc: http.NewResponseController(w), step: step, end: time.Now().Add(limit)}
}

func (rw *rollingWriter) extend() {
	d := time.Now().Add(rw.step)
	if d.After(rw.end) {
		d = rw.end
	}
	_ = rw.rc.SetWriteDeadline(d)
}

func (rw *rollingWriter) Write(p []byte) (int, error) {
	rw.extend()
	return rw.w.Write(p)
}

// Flush sends what is buffered to the client, within the same deadline.
func (rw *rollingWriter) Flush() error {
	rw.extend()
	return rw.rc.Flush()
}
