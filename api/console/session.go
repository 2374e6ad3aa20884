package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"callsvc/api"
	"callsvc/api/record"
)

// Signing in: a person gives their API token once; the console keeps it in
// an HttpOnly, SameSite=Strict cookie scoped to /console and checks it on
// every request exactly as the API checks a bearer token (known, not
// revoked), so revoking the token ends the session too and every console
// instance serves every session with no shared key. The /v1 routes never
// read cookies, so the cookie cannot be used against the API cross-site.
const (
	sessionCookie = "callsvc_session"
	signinCookie  = "callsvc_signin" // the sign-in form's double-submit CSRF value
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "_csrf"
	// sessionMaxAge is a working day: a person signs in once per shift.
	sessionMaxAge = 12 * time.Hour
)

// session is the signed-in person of a request.
type session struct {
	tok    record.Token
	secret string
	csrf   string
	name   string // the staff member's name, if the token acts for one
}

type ctxKey int

const sessionKey ctxKey = 0

func sessionOf(r *http.Request) *session {
	s, _ := r.Context().Value(sessionKey).(*session)
	return s
}

// csrfFor derives a session's CSRF token from its secret: a form carries
// it, a cross-site page cannot know it, and no state is kept.
func csrfFor(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("callsvc console csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:32]
}

// lookup checks a secret as the API does: a known token, not revoked.
func (c *Console) lookup(ctx context.Context, secret string) (record.Token, error) {
	if secret == "" || len(secret) > 200 {
		return record.Token{}, record.Errorf(record.EUnauthorized, "no token")
	}
	t, err := c.cfg.Store.TokenByHash(ctx, api.HashToken(secret))
	if err != nil {
		if record.IsNotFound(err) {
			return t, record.Errorf(record.EUnauthorized, "the token is not valid")
		}
		return t, err
	}
	if t.RevokedAt != nil {
		return t, record.Errorf(record.EUnauthorized, "the token has been revoked")
	}
	return t, nil
}

// authenticate requires a signed-in person: pages send the others to the
// sign-in page; htmx requests and streams get 401 with HX-Redirect.
func (c *Console) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(sessionCookie)
		var tok record.Token
		if err == nil {
			tok, err = c.lookup(r.Context(), ck.Value)
		}
		if errors.Is(err, http.ErrNoCookie) {
			err = record.Errorf(record.EUnauthorized, "not signed in")
		}
		if err == nil && (tok.Role == record.RoleService || (tok.Role == record.RoleAgent && tok.StaffID == "")) {
			err = record.Errorf(record.EForbidden, "this token cannot sign in")
		}
		if err != nil {
			if code := record.ErrorCode(err); code != record.EUnauthorized && code != record.EForbidden {
				c.failErr(w, r, err)
				return
			}
			to := "/console/signin"
			if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" && r.Header.Get("Accept") != "text/event-stream" {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
				http.Redirect(w, r, to, http.StatusSeeOther)
				return
			}
			w.Header().Set("HX-Redirect", to)
			http.Error(w, "sign in again", http.StatusUnauthorized)
			return
		}
		s := &session{tok: tok, secret: ck.Value, csrf: csrfFor(ck.Value), name: tok.Name}
		if tok.StaffID != "" {
			if st, err := c.cfg.Store.GetStaff(r.Context(), tok.StaffID); err == nil {
				s.name = st.Name
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionKey, s)))
	})
}

// checkCSRF refuses a state-changing request without the session's CSRF
// token (form field or header) or coming from another site.
func (c *Console) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		s := sessionOf(r)
		got := r.Header.Get(csrfHeader)
		if got == "" {
			got = r.PostFormValue(csrfField)
		}
		if s == nil || !sameSite(r) || subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) != 1 {
			c.fail(w, r, http.StatusForbidden, "err.csrf")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameSite refuses requests a browser marks as coming from elsewhere.
func sameSite(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}

// requireRole lets only roles through (a page for others is 403).
func requireRole(roles ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := sessionOf(r)
			for _, role := range roles {
				if s != nil && s.tok.Role == role {
					next.ServeHTTP(w, r)
					return
				}
			}
			// The console's own fail needs the Console; a plain page will do.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(forbiddenPage(langOf(r))))
		})
	}
}

func forbiddenPage(lang string) string {
	return `<!doctype html><html lang="` + lang + `"><head><meta charset="utf-8"><title>403</title>` +
		`<link rel="stylesheet" href="` + assetURL("console.css") + `"></head><body class="plain"><main class="narrow"><h1>403</h1><p>` +
		tr(lang, "err.forbidden") + `</p><p><a href="/console/">` + tr(lang, "err.back") + `</a></p></main></body></html>`
}

type signinView struct {
	Lang  string
	CSRF  string
	Next  string
	Error string
}

// signinPage is the sign-in form. Its CSRF value is a random cookie the
// form repeats (no session exists yet).
func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	keepLang(w, r)
	c.showSignin(w, r, http.StatusOK, "")
}

func (c *Console) showSignin(w http.ResponseWriter, r *http.Request, status int, errKey string) {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: v, Path: "/console", MaxAge: 1800,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	lang := langOf(r)
	sv := signinView{Lang: lang, CSRF: v, Next: safeNext(r.FormValue("next"))}
	if errKey != "" {
		sv.Error = tr(lang, errKey)
	}
	c.render(w, r, status, "signin.html", sv)
}

// signin checks the token and starts the session.
func (c *Console) signin(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(signinCookie)
	if err != nil || !sameSite(r) || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostFormValue(csrfField))) != 1 {
		c.showSignin(w, r, http.StatusForbidden, "err.csrf")
		return
	}
	secret := strings.TrimSpace(r.PostFormValue("token"))
	tok, err := c.lookup(r.Context(), secret)
	switch {
	case record.ErrorCode(err) == record.EUnauthorized:
		c.showSignin(w, r, http.StatusUnauthorized, "signin.bad")
		return
	case err != nil:
		c.failErr(w, r, err)
		return
	case tok.Role == record.RoleService:
		c.showSignin(w, r, http.StatusForbidden, "signin.svc")
		return
	case tok.Role == record.RoleAgent && tok.StaffID == "":
		c.showSignin(w, r, http.StatusForbidden, "signin.nostaff")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/console", MaxAge: int(sessionMaxAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.SetCookie(w, &http.Cookie{Name: signinCookie, Value: "", Path: "/console", MaxAge: -1})
	next := safeNext(r.PostFormValue("next"))
	if next == "" {
		next = "/console/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signout ends the session (the token itself stays valid).
func (c *Console) signout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/console", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/console/signin", http.StatusSeeOther)
}

// safeNext keeps a redirect after sign-in inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/console/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}

// secureHeaders: a strict Content-Security-Policy (scripts and styles from
// the console's own assets only, no inline script), no framing, no
// referrer to other sites, no caching of personal pages.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"media-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// same-origin, not no-referrer: with no-referrer a browser sends
		// "Origin: null" on form posts, and the CSRF check reads Origin.
		h.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/console/assets/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
