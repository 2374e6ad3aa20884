package api_test

import (
	"net/http"
	"testing"

	"callsvc/api/apitest"
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
	r := srv.Do(t, "GET", "/readyz", "", nil)
	if r.Status != http.StatusServiceUnavailable || r.ErrorCode() != record.EUnavailable {
		t.Errorf("readyz without database: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/healthz", "", nil); r.Status != http.StatusOK {
		t.Errorf("healthz without database: %d (the process is still up)", r.Status)
	}
}
