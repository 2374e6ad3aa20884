package api

import (
	"testing"
	"time"

	"callsvc/api/record"
)

func TestTokenCacheExpiresAndBounds(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	c := newTokenCache(10*time.Second, func() time.Time { return now })
	tok := record.Token{ID: "t1", Role: record.RoleAgent}
	c.put([]byte("h1"), tok)
	if got, ok := c.get([]byte("h1")); !ok || got.ID != tok.ID {
		t.Fatalf("fresh entry: %v %v", got, ok)
	}
	now = now.Add(11 * time.Second)
	if _, ok := c.get([]byte("h1")); ok {
		t.Error("entry outlived its TTL")
	}
	for i := range maxCachedTokens + 1 {
		c.put([]byte{byte(i), byte(i >> 8)}, tok)
	}
	if len(c.m) > maxCachedTokens {
		t.Errorf("cache holds %d entries, bound %d", len(c.m), maxCachedTokens)
	}
	off := newTokenCache(0, time.Now)
	off.put([]byte("h"), tok)
	if _, ok := off.get([]byte("h")); ok {
		t.Error("a disabled cache returned an entry")
	}
}
