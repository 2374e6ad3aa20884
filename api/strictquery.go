package api

import (
	"net/http"
	"net/url"
	"unicode/utf8"

	"callsvc/api/record"
)

// StrictQuery refuses (400) a request whose query string does not parse —
// a stray or bad %-escape, a ";" separator — or is not UTF-8. url.Query
// drops such pairs silently, so a filter written ?staff_id=%zz would
// vanish and the list widen instead of failing.
func StrictQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				writeError(w, r, record.Wrap(record.EInvalid, err, "the query string is malformed (a bad %-escape or a ';' separator)"))
				return
			}
			for k, vs := range q {
				ok := utf8.ValidString(k)
				for _, v := range vs {
					ok = ok && utf8.ValidString(v)
				}
				if !ok {
					writeError(w, r, record.Errorf(record.EInvalid, "the query string is not valid UTF-8"))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
