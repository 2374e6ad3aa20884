package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"callsvc/api"
)

func TestRequestID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		keep     bool
	}{
		{"GeneratedWhenAbsent", "", false},
		{"CallersIDKept", "trace-4f1c.2:a_b", true},
		{"TooLongReplaced", strings.Repeat("a", 129), false},
		{"SpaceReplaced", "a b", false},
		{"HeaderInjectionReplaced", "a\r\nSet-Cookie: x=y", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen string
			h := api.RequestIDMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = api.RequestID(r.Context())
			}))
			req := httptest.NewRequest("GET", "/", nil)
			if tc.in != "" {
				req.Header[api.RequestIDHeader] = []string{tc.in}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			echoed := rec.Header().Get(api.RequestIDHeader)
			switch {
			case seen == "" || echoed != seen:
				t.Errorf("context id %q, echoed %q", seen, echoed)
			case tc.keep && seen != tc.in:
				t.Errorf("id %q, want the caller's %q", seen, tc.in)
			case !tc.keep && (seen == tc.in || len(seen) != 26):
				t.Errorf("id %q, want a fresh ULID", seen)
			}
		})
	}
}
