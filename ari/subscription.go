package ari

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// Subscription receives, in order, the events of the resources (or event
// types) it was made for. Its queue is unbounded: a slow reader delays only
// itself. It ends, closing Events(), when its context ends, Close is called,
// or the Client closes.
type Subscription struct {
	bus   *bus
	f     *feed[Event]
	node  string     // type subscriptions: only this node ("" = all)
	types []string   // type subscriptions
	mu    sync.Mutex // guards keys and stopCtx
	keys  []Key

	stopCtx func() bool // unhooks the end-on-ctx callback
	pump    sync.Once   // starts the Events goroutine on first use
	out     chan Event  // Events(); nil until asked for

	removed bool // guarded by bus.mu: gone from the bus, Add is a no-op
}

// Events is the channel to receive from; it is closed when the subscription
// ends. Only a subscription read through Events gets a goroutine to feed it;
// Next reads the queue directly.
func (s *Subscription) Events() <-chan Event {
	s.pump.Do(func() { s.out = s.bus.pump(s) })
	return s.out
}

// Close ends the subscription; queued events are dropped.
func (s *Subscription) Close() {
	s.f.close()
	s.mu.Lock()
	stop := s.stopCtx
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
	s.bus.mu.Lock()
	s.bus.removeLocked(s)
	s.bus.mu.Unlock()
}

// Add extends a key subscription to more resources (e.g. a bridge the call
// joined). Events for them that arrive after Add returns are delivered.
func (s *Subscription) Add(keys ...Key) {
	s.mu.Lock()
	s.keys = append(s.keys, keys...)
	s.mu.Unlock()
	s.bus.addKeys(s, keys)
}

// ErrSubscriptionClosed is returned by Next once the subscription has ended.
var ErrSubscriptionClosed = errors.New("ari: subscription closed")

// Next waits for the next event, for ctx to end, or for the subscription
// to end.
func (s *Subscription) Next(ctx context.Context) (Event, error) {
	for {
		select {
		case <-s.f.stop: // ended: what is still queued is dropped
			return nil, ErrSubscriptionClosed
		default:
		}
		if ev, ok := s.f.pop(); ok {
			return ev, nil
		}
		select {
		case <-s.f.wake:
		case <-s.f.stop:
			return nil, ErrSubscriptionClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// bus routes decoded events to subscriptions.
type bus struct {
	mu     sync.RWMutex
	byKey  map[Key][]*Subscription
	byType map[string][]*Subscription // "" = every event
	live   map[*Subscription]struct{} // every open subscription, for shutdown
	closed bool                       // set by shutdown; no new subscriptions
	wg     *sync.WaitGroup
}

func newBus(wg *sync.WaitGroup) *bus {
	return &bus{byKey: map[Key][]*Subscription{}, byType: map[string][]*Subscription{},
		live: map[*Subscription]struct{}{}, wg: wg}
}

// start arms s to end with ctx, unless the client is closed, in which
// case s ends at once. No goroutine runs for s until Events is called.
func (b *bus) start(ctx context.Context, s *Subscription) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		s.Close()
		return
	}
	b.live[s] = struct{}{}
	b.mu.Unlock()
	stop := context.AfterFunc(ctx, s.Close)
	s.mu.Lock() // Close may already run, from ctx or shutdown
	s.stopCtx = stop
	s.mu.Unlock()
	select {
	case <-s.f.stop: // shutdown closed s before the hook was set
		stop()
	default:
	}
}

// pump feeds s's queue into a channel for Events. Holding b.mu orders
// wg.Go before shutdown's wg.Wait; on a closed bus s is already ended.
func (b *bus) pump(s *Subscription) chan Event {
	out := make(chan Event)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(out)
		return out
	}
	b.wg.Go(func() {
		defer close(out)
		for {
			ev, err := s.Next(context.Background())
			if err != nil {
				return
			}
			select {
			case out <- ev:
			case <-s.f.stop:
				return
			}
		}
	})
	return out
}

// shutdown refuses new subscriptions and ends the open ones; the caller
// then waits on wg for the Events goroutines.
func (b *bus) shutdown() {
	b.mu.Lock()
	b.closed = true
	live := b.live
	b.live = nil
	b.mu.Unlock()
	for s := range live {
		s.Close()
	}
}

// subscribeKeys registers s before returning, so events that arrive after
// the call are never missed ("subscribe, then act").
func (b *bus) subscribeKeys(ctx context.Context, keys []Key) *Subscription {
	s := &Subscription{bus: b, f: newFeed[Event](), keys: slices.Clone(keys)}
	b.addKeys(s, keys)
	b.start(ctx, s)
	return s
}

func (b *bus) subscribeTypes(ctx context.Context, node string, types []string) *Subscription {
	if len(types) == 0 {
		types = []string{""}
	}
	s := &Subscription{bus: b, f: newFeed[Event](), node: node, types: slices.Clone(types)}
	b.mu.Lock()
	for _, t := range types {
		b.byType[t] = append(b.byType[t], s)
	}
	b.mu.Unlock()
	b.start(ctx, s)
	return s
}

func (b *bus) addKeys(s *Subscription, keys []Key) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.removed {
		return
	}
	for _, k := range keys {
		if !slices.Contains(b.byKey[k], s) {
			b.byKey[k] = append(b.byKey[k], s)
		}
	}
}

func (b *bus) removeLocked(s *Subscription) {
	if s.removed {
		return
	}
	s.removed = true
	delete(b.live, s)
	s.mu.Lock()
	keys := slices.Clone(s.keys)
	s.mu.Unlock()
	for _, k := range keys {
		if subs := slices.DeleteFunc(b.byKey[k], func(x *Subscription) bool { return x == s }); len(subs) > 0 {
			b.byKey[k] = subs
		} else {
			delete(b.byKey, k)
		}
	}
	for _, t := range s.types {
		if subs := slices.DeleteFunc(b.byType[t], func(x *Subscription) bool { return x == s }); len(subs) > 0 {
			b.byType[t] = subs
		} else {
			delete(b.byType, t)
		}
	}
}

// dispatch queues ev for every interested subscription, once each. It
// never blocks on a subscriber.
func (b *bus) dispatch(ev Event) {
	base := ev.Base()
	var sent [8]*Subscription
	targets := sent[:0]
	add := func(s *Subscription) {
		if !slices.Contains(targets, s) {
			targets = append(targets, s)
		}
	}
	b.mu.RLock()
	for _, k := range ev.keys() {
		for _, s := range b.byKey[k] {
			add(s)
		}
	}
	for _, t := range [2]string{base.Type, ""} {
		for _, s := range b.byType[t] {
			if s.node == "" || s.node == base.Node {
				add(s)
			}
		}
	}
	b.mu.RUnlock()
	for _, s := range targets {
		s.f.push(ev)
	}
}
