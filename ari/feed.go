package ari

import (
	"context"
	"sync"
)

// feed delivers values to one receiver, in order, through an unbounded
// queue: push never blocks, so a slow receiver cannot hold up the WebSocket
// reader or other subscribers, and it loses nothing.
type feed[T any] struct {
	mu     sync.Mutex
	q      []T
	head   int
	closed bool
	wake   chan struct{} // capacity 1: "the queue grew"
	out    chan T
	stop   chan struct{} // closed by close()
	once   sync.Once
}

func newFeed[T any]() *feed[T] {
	return &feed[T]{wake: make(chan struct{}, 1), out: make(chan T), stop: make(chan struct{})}
}

// push queues v; after close it is dropped.
func (f *feed[T]) push(v T) {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.q = append(f.q, v)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *feed[T]) close() {
	f.once.Do(func() {
		f.mu.Lock()
		f.closed = true
		f.mu.Unlock()
		close(f.stop)
	})
}

// pop takes the oldest queued value.
func (f *feed[T]) pop() (T, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var zero T
	if f.head == len(f.q) {
		return zero, false
	}
	v := f.q[f.head]
	f.q[f.head] = zero
	f.head++
	if f.head == len(f.q) {
		// Drained: reuse the backing array, or a reader that keeps up
		// would grow it for ever.
		f.q, f.head = f.q[:0], 0
	}
	return v, true
}

// run moves queued values to out until ctx ends, close is called or done
// closes; then it closes out.
func (f *feed[T]) run(ctx context.Context, done <-chan struct{}) {
	defer close(f.out)
	defer f.close()
	for {
		v, ok := f.pop()
		if !ok {
			select {
			case <-f.wake:
				continue
			case <-ctx.Done():
				return
			case <-f.stop:
				return
			case <-done:
				return
			}
		}
		select {
		case f.out <- v:
		case <-ctx.Done():
			return
		case <-f.stop:
			return
		case <-done:
			return
		}
	}
}

// queued reports how many values wait for the receiver.
func (f *feed[T]) queued() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.q) - f.head
}
