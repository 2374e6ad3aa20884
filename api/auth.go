package api

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"callsvc/api/record"
)

// Authenticate requires a bearer token that the store knows and has not
// revoked, and puts it in the context (see TokenFrom). No token or an unknown
// one is 401 with a WWW-Authenticate challenge.
//
// Tokens found are remembered for cacheTTL (<= 0: not at all), which saves
// a database round trip on nearly every request; the price is that a
// revoked token keeps working for up to cacheTTL on other instances (this
// one forgets a token it revokes at once).
//
// Unknown tokens cannot be used to flood the database: one that was just
// looked up is answered from memory for a minute, a client address with
// more than unknownPerMinute failed lookups in the last minute is answered
// 429 without one (negative: no such limit), and at most a few lookups
// run at once.
func Authenticate(store Store, cacheTTL time.Duration, unknownPerMinute int) func(http.Handler) http.Handler {
	return newAuthenticator(store, cacheTTL, unknownPerMinute).middleware
}

// Bounds of the lookups of tokens not in the cache.
const (
	unknownTTL       = time.Minute // an unknown token is not looked up again for this long
	maxTokenLookups  = 4           // token lookups in flight at once
	maxFailedClients = 4096        // client addresses remembered for the failure limit
)

type authenticator struct {
	store    Store
	cache    *tokenCache    // valid tokens by hash
	unknown  *tokenCache    // hashes that were not found
	failures *windowCounter // failed lookups by client address
	limit    int            // failed lookups per client address and minute; <= 0: none
	lookups  chan struct{}  // a slot per lookup in flight
}

func newAuthenticator(store Store, cacheTTL time.Duration, unknownPerMinute int) *authenticator {
	return &authenticator{
		store:    store,
		cache:    newTokenCache(cacheTTL, time.Now),
		unknown:  newTokenCache(unknownTTL, time.Now),
		failures: newWindowCounter(time.Minute, maxFailedClients, time.Now),
		limit:    unknownPerMinute,
		lookups:  make(chan struct{}, maxTokenLookups),
	}
}

func (a *authenticator) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := a.authenticate(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		if info := infoFrom(r.Context()); info != nil {
			info.tokenID = t.ID
		}
		next.ServeHTTP(w, r.WithContext(withToken(r.Context(), t)))
	})
}

func (a *authenticator) authenticate(r *http.Request) (record.Token, error) {
	secret, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		return record.Token{}, record.Errorf(record.EUnauthorized, "a bearer token is required")
	}
	if !wellFormedSecret(secret) {
		return record.Token{}, errBadToken
	}
	hash := HashToken(secret)
	if t, ok := a.cache.get(hash); ok {
		return t, nil
	}
	if _, ok := a.unknown.get(hash); ok {
		return record.Token{}, errBadToken
	}
	client := clientAddr(r)
	if a.limit > 0 && a.failures.count(client) >= a.limit {
		return record.Token{}, record.Errorf(record.ERateLimited, "too many unknown tokens from this address; retry later")
	}
	t, err := a.lookup(r.Context(), hash)
	switch {
	case record.IsNotFound(err):
		a.unknown.put(hash, record.Token{})
		a.failures.add(client)
		return record.Token{}, errBadToken
	case err != nil:
		return record.Token{}, err
	case t.RevokedAt != nil:
		return record.Token{}, record.Errorf(record.EUnauthorized, "the bearer token has been revoked")
	}
	a.cache.put(hash, t)
	return t, nil
}

// lookup asks the store, waiting for one of the few lookup slots.
func (a *authenticator) lookup(ctx context.Context, hash []byte) (record.Token, error) {
	select {
	case a.lookups <- struct{}{}:
	case <-ctx.Done():
		return record.Token{}, record.Wrap(record.EUnavailable, ctx.Err(), "the token could not be checked in time")
	}
	defer func() { <-a.lookups }()
	return a.store.TokenByHash(ctx, hash)
}

// forget drops the cached tokens that match, so a revocation here takes
// effect at once (other instances wait out their cache).
func (a *authenticator) forget(match func(record.Token) bool) { a.cache.drop(match) }

var errBadToken = record.Errorf(record.EUnauthorized, "the bearer token is not valid")

// clientAddr is the address the request came from: the connection's, never
// a header the client writes itself.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// bearer extracts the credentials of an "Authorization: Bearer x" header;
// the scheme is case-insensitive (RFC 7235).
func bearer(h string) (string, bool) {
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	return cred, cred != ""
}
