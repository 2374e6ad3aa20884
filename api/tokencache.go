package api

import (
	"sync"
	"time"

	"callsvc/api/record"
)

// maxCachedTokens bounds the token cache; there are few tokens in practice
// (one per engine instance and person), so reaching it means churn, and
// the cache simply starts over.
const maxCachedTokens = 4096

// tokenCache remembers recently seen valid tokens by hash for a short time.
type tokenCache struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]cachedToken
}

type cachedToken struct {
	tok     record.Token
	expires time.Time
}

func newTokenCache(ttl time.Duration, now func() time.Time) *tokenCache {
	return &tokenCache{ttl: ttl, now: now, m: map[string]cachedToken{}}
}

func (c *tokenCache) get(hash []byte) (record.Token, bool) {
	if c.ttl <= 0 {
		return record.Token{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[string(hash)]
	if !ok {
		return record.Token{}, false
	}
	if c.now().After(e.expires) {
		delete(c.m, string(hash))
		return record.Token{}, false
	}
	return e.tok, true
}

func (c *tokenCache) put(hash []byte, t record.Token) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedTokens {
		clear(c.m)
	}
	c.m[string(hash)] = cachedToken{tok: t, expires: c.now().Add(c.ttl)}
}

// drop removes the entries whose token matches.
func (c *tokenCache) drop(match func(record.Token) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if match(e.tok) {
			delete(c.m, h)
		}
	}
}

// windowCounter counts events by key in fixed windows of win: enough to
// bound how often one client may do something costly. It remembers at
// most max keys in a window; beyond that, new keys share one count.
type windowCounter struct {
	win   time.Duration
	max   int
	now   func() time.Time
	mu    sync.Mutex
	start time.Time
	m     map[string]int
}

func newWindowCounter(win time.Duration, max int, now func() time.Time) *windowCounter {
	return &windowCounter{win: win, max: max, now: now, m: map[string]int{}}
}

// roll starts a new window when the current one is over. Hold mu.
func (c *windowCounter) roll() {
	if now := c.now(); now.Sub(c.start) >= c.win {
		clear(c.m)
		c.start = now
	}
}

func (c *windowCounter) key(k string) string {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		return "" // the overflow, shared
	}
	return k
}

// count is how many times key was added in this window.
func (c *windowCounter) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.roll()
	return c.m[c.key(key)]
}

func (c *windowCounter) add(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.roll()
	c.m[c.key(key)]++
}
