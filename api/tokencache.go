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
