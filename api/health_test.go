package api_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/postgres"
	"callsvc/api/record"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	if r := srv.Do(t, "GET", "/healthz", "", nil); r.Status != http.StatusOK {
		t.Errorf("healthz: %d", r.Status)
	}
	if r := srv.Do(t, "GET", "/readyz", "", nil); r.Status != http.StatusOK {
		t.Errorf("readyz: %d %s", r.Status, r.Body)
	}
	srv.Store.Close() // the database goes away
	// The last answer is shared for a second; then the probe sees it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := srv.Do(t, "GET", "/readyz", "", nil)
		if r.Status == http.StatusServiceUnavailable && r.ErrorCode() == record.EUnavailable {
			if r.Header.Get("Retry-After") == "" {
				t.Errorf("503 without Retry-After")
			}
			break
		}
		if r.Status != http.StatusOK || time.Now().After(deadline) {
			t.Fatalf("readyz without database: %d %s", r.Status, r.Body)
		}
		time.Sleep(50 * time.Millisecond) // polling the probe for the change
	}
	if r := srv.Do(t, "GET", "/healthz", "", nil); r.Status != http.StatusOK {
		t.Errorf("healthz without database: %d (the process is still up)", r.Status)
	}
}

// countingStore is the real store, counting the lookups that unknown
// clients can cause.
type countingStore struct {
	*postgres.Store
	tokenLookups, pings atomic.Int64
}

func (s *countingStore) TokenByHash(ctx context.Context, hash []byte) (record.Token, error) {
	s.tokenLookups.Add(1)
	return s.Store.TokenByHash(ctx, hash)
}

func (s *countingStore) Ping(ctx context.Context) error {
	s.pings.Add(1)
	return s.Store.Ping(ctx)
}

// TestUnknownTokensCannotFloodTheDatabase (issue 11, low): hundreds of
// made-up tokens from one address cost a bounded number of lookups (then
// 429 without one); a made-up token tried again costs none; a known token
// keeps working.
func TestUnknownTokensCannotFloodTheDatabase(t *testing.T) {
	t.Parallel()
	var cs *countingStore
	srv := apitest.New(t, func(c *api.Config) {
		cs = &countingStore{Store: c.Store.(*postgres.Store)}
		c.Store = cs
		c.UnknownTokenLimit = 20
	})
	if r := srv.Do(t, "GET", "/v1/calls", record.RoleSupervisor, nil); r.Status != http.StatusOK {
		t.Fatalf("known token: %d", r.Status)
	}
	before := cs.tokenLookups.Load()
	made := func() string {
		var b [32]byte
		_, _ = rand.Read(b[:])
		return api.TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	}
	statuses := map[int]int{}
	for range 300 {
		r := srv.Do(t, "GET", "/v1/calls", "", nil, "Authorization", "Bearer "+made())
		statuses[r.Status]++
	}
	if statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 300 || statuses[http.StatusTooManyRequests] == 0 {
		t.Errorf("answers to made-up tokens: %v, want 401s then 429s", statuses)
	}
	if n := cs.tokenLookups.Load() - before; n > 20 {
		t.Errorf("300 made-up tokens cost %d database lookups, want at most 20", n)
	}
	if r := srv.Do(t, "GET", "/v1/calls", record.RoleSupervisor, nil); r.Status != http.StatusOK {
		t.Errorf("the known token during the flood: %d", r.Status)
	}
	t.Logf("300 made-up tokens: %v, %d lookups", statuses, cs.tokenLookups.Load()-before)
}

// TestUnknownTokenIsLookedUpOnce: the same made-up token again is answered
// from memory.
func TestUnknownTokenIsLookedUpOnce(t *testing.T) {
	t.Parallel()
	var cs *countingStore
	srv := apitest.New(t, func(c *api.Config) {
		cs = &countingStore{Store: c.Store.(*postgres.Store)}
		c.Store = cs
	})
	forged := "Bearer " + api.TokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	for range 50 {
		if r := srv.Do(t, "GET", "/v1/calls", "", nil, "Authorization", forged); r.Status != http.StatusUnauthorized {
			t.Fatalf("forged token: %d", r.Status)
		}
	}
	if n := cs.tokenLookups.Load(); n != 1 {
		t.Errorf("one forged token 50 times cost %d lookups, want 1", n)
	}
}

// TestReadyzCannotFloodTheDatabase (issue 11, low): a burst of probes shares
// one ping.
func TestReadyzCannotFloodTheDatabase(t *testing.T) {
	t.Parallel()
	var cs *countingStore
	srv := apitest.New(t, func(c *api.Config) {
		cs = &countingStore{Store: c.Store.(*postgres.Store)}
		c.Store = cs
	})
	var wg sync.WaitGroup
	start := time.Now()
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := srv.Do(t, "GET", "/readyz", "", nil); r.Status != http.StatusOK {
				t.Errorf("readyz: %d", r.Status)
			}
		}()
	}
	wg.Wait()
	// One ping per second at most, whatever the burst's length.
	if n, most := cs.pings.Load(), int64(time.Since(start)/time.Second)+1; n > most {
		t.Errorf("200 probes cost %d pings, want at most %d", n, most)
	}
}
