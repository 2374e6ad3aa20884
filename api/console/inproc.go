package console

import (
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/go-chi/chi/v5"

	"callsvc/api/client"
)

// apiBase is the host the in-process client names; requests never leave
// the process.
const apiBase = "http://callsvc.internal"

// inproc is an http.RoundTripper that hands each request to the API
// handler in this process. The console acts through it, with the signed-in
// person's token, so every action and every scoped read goes through the
// same route, the same role check and the same handler as over the network.
type inproc struct{ h http.Handler }

func (t inproc) RoundTrip(req *http.Request) (*http.Response, error) {
	// The request's context may carry the console request's chi routing
	// state; the API must route this one afresh.
	req = req.WithContext(context.WithValue(req.Context(), chi.RouteCtxKey, nil))
	pr, pw := io.Pipe()
	w := &pipeResponse{header: http.Header{}, body: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			w.start(http.StatusOK)
			pw.Close()
		}()
		t.h.ServeHTTP(w, req)
	}()
	<-w.ready
	return &http.Response{
		Status: http.StatusText(w.status), StatusCode: w.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: w.sent, Body: pr, ContentLength: -1, Request: req,
	}, nil
}

// pipeResponse is the handler's side of an in-process response: headers
// are handed over at the first write, the body streams through a pipe (so
// a long answer, such as a CSV export, is never held whole).
type pipeResponse struct {
	header http.Header
	sent   http.Header
	body   *io.PipeWriter
	once   sync.Once
	ready  chan struct{}
	status int
}

func (w *pipeResponse) Header() http.Header { return w.header }

func (w *pipeResponse) WriteHeader(status int) { w.start(status) }

func (w *pipeResponse) start(status int) {
	w.once.Do(func() {
		w.status = status
		w.sent = w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeResponse) Write(p []byte) (int, error) {
	w.start(http.StatusOK)
	return w.body.Write(p)
}

// Flush is a no-op: every Write already reaches the reader.
func (w *pipeResponse) Flush() {}

// apiClient is a client of the API in this process acting with secret.
func (c *Console) apiClient(secret string) *client.Client {
	return client.New(apiBase, secret, c.hc)
}
