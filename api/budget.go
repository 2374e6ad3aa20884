package api

import (
	"context"
	"net/http"
	"sync"
	"time"

	"callsvc/api/record"
)

// bodyBudget bounds the request bodies held in memory at once, whatever
// the number of clients: a request reserves its body's size (its
// Content-Length, else the largest body any route takes) before the body
// is read and gives it back when it is answered. The decoded records are
// of the same order, so memory for writes stays within a small multiple
// of the budget. Requests beyond it wait their turn (bounded by their
// body deadline), never read.
type bodyBudget struct {
	total int64
	mu    sync.Mutex
	free  int64
	peak  int64         // most ever reserved, for tests
	freed chan struct{} // closed when bytes are given back; nil if none waits
}

func newBodyBudget(total int64) *bodyBudget { return &bodyBudget{total: total, free: total} }

func (b *bodyBudget) acquire(ctx context.Context, n int64) error {
	n = min(n, b.total) // a body larger than the whole budget takes all of it
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.peak = max(b.peak, b.total-b.free)
			b.mu.Unlock()
			return nil
		}
		if b.freed == nil {
			b.freed = make(chan struct{})
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (b *bodyBudget) release(n int64) {
	n = min(n, b.total)
	b.mu.Lock()
	b.free += n
	if b.freed != nil {
		close(b.freed)
		b.freed = nil
	}
	b.mu.Unlock()
}

// middleware reserves a request's body before its handler runs, waiting
// at most wait for room. largest is what a body of unknown length may
// grow to.
func (b *bodyBudget) middleware(largest int64, wait time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
				next.ServeHTTP(w, r)
				return
			}
			n := largest
			if r.ContentLength > 0 {
				n = min(r.ContentLength, largest)
			}
			ctx, cancel := context.WithTimeout(r.Context(), wait)
			err := b.acquire(ctx, n)
			cancel()
			if err != nil {
				writeError(w, r, record.Wrap(record.EUnavailable, err, "the server is busy with other uploads; retry later"))
				return
			}
			defer b.release(n)
			next.ServeHTTP(w, r)
		})
	}
}
