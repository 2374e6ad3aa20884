package aritest

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// request is what a REST handler sees: query parameters merged with the
// members of a JSON body, the body's "variables" object, and path values.
type request struct {
	params url.Values
	vars   map[string]string // JSON body "variables"
	path   map[string]string
	http   *http.Request
}

func (r *request) get(name string) string { return r.params.Get(name) }

// getInt reads an integer parameter, def when absent or not a number.
func (r *request) getInt(name string, def int) int {
	v := r.params.Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	return n
}

func (r *request) getBool(name string) bool {
	v, err := strconv.ParseBool(r.params.Get(name))
	return err == nil && v
}

// response is a handler's answer. body nil means no body (204 and friends).
type response struct {
	status  int
	body    any
	raw     []byte // a non-JSON body (WAV file)
	ctype   string
	headers map[string]string
}

func ok(body any) response { return response{status: http.StatusOK, body: body} }
func noContent() response  { return response{status: http.StatusNoContent} }
func created(body any, loc string) response {
	return response{status: http.StatusCreated, body: body, headers: map[string]string{"Location": loc}}
}

// fail is an error answer with Asterisk's {"message": ...} body.
func fail(status int, msg string) response {
	return response{status: status, body: obj{{"message", msg}}}
}

type handler func(s *Server, r *request) response

// route maps a path pattern ("channels/{id}/play") to handlers by method.
type route struct {
	segs    []string
	methods map[string]handler
}

func (rt route) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	vals := map[string]string{}
	for i, p := range rt.segs {
		if strings.HasPrefix(p, "{") {
			vals[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return vals, true
}

func newRoute(pattern string, methods map[string]handler) route {
	return route{segs: strings.Split(pattern, "/"), methods: methods}
}

// serveHTTP authenticates, routes and runs a handler under the server lock
// (handlers never block, so one lock keeps the simulation consistent).
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/ari/") {
		writeHTML(w, http.StatusNotFound, "404 Not Found", "Not Found", "The requested URL was not found on this server.")
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Asterisk REST Interface"`)
		writeResponse(w, fail(http.StatusUnauthorized, "Authentication required"))
		return
	}
	rest := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/ari/"), "/")
	if rest == "events" {
		s.serveEvents(w, r)
		return
	}
	// A request is a party of the clock until answered (the socket stays
	// open for the events, so that one is not).
	s.clock.Busy()
	defer s.clock.Idle()
	segs := strings.Split(rest, "/")
	for i, seg := range segs {
		if u, err := url.PathUnescape(seg); err == nil {
			segs[i] = u
		}
	}
	for _, rt := range s.routes {
		vals, matched := rt.match(segs)
		if !matched {
			continue
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Allow", allowHeader(rt.methods))
			writeResponse(w, noContent())
			return
		}
		h, allowed := rt.methods[r.Method]
		if !allowed {
			w.Header().Set("Allow", allowHeader(rt.methods))
			writeResponse(w, fail(http.StatusMethodNotAllowed, "Invalid method"))
			return
		}
		req, errResp := parseRequest(r)
		if errResp != nil {
			writeResponse(w, *errResp)
			return
		}
		req.path = vals
		s.mu.Lock()
		resp := h(s, req)
		s.mu.Unlock()
		writeResponse(w, resp)
		return
	}
	writeResponse(w, fail(http.StatusNotFound, "Resource not found"))
}

func allowHeader(m map[string]handler) string {
	order := []string{"GET", "POST", "PUT", "DELETE"}
	out := []string{"OPTIONS"}
	for _, meth := range order {
		if _, ok := m[meth]; ok {
			out = append(out, meth)
		}
	}
	return strings.Join(out, ",")
}

// authorized accepts Basic auth or api_key=user:pass, like Asterisk.
func (s *Server) authorized(r *http.Request) bool {
	user, pass, found := r.BasicAuth()
	if !found {
		key := r.URL.Query().Get("api_key")
		if key == "" {
			return false
		}
		user, pass, found = strings.Cut(key, ":")
		if !found {
			return false
		}
	}
	u := subtle.ConstantTimeCompare([]byte(user), []byte(s.opts.Username))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(s.opts.Password))
	return u&p == 1
}

// parseRequest merges the query with a JSON object body; a body that is
// not a JSON object gets Asterisk's 400.
func parseRequest(r *http.Request) (*request, *response) {
	req := &request{params: r.URL.Query(), http: r}
	req.params.Del("api_key")
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		resp := fail(http.StatusBadRequest, "Error parsing request body")
		return nil, &resp
	}
	vars, params, err := decodeBody(body)
	if err != nil {
		resp := fail(http.StatusBadRequest, "Error parsing request body")
		return nil, &resp
	}
	req.vars = vars
	for k, v := range params {
		if req.params.Get(k) == "" {
			req.params.Set(k, v)
		}
	}
	return req, nil
}

// decodeBody reads an ARI request body: a JSON object whose "variables"
// member is a map of channel variables and whose other scalar members are
// parameters. An empty body is fine.
func decodeBody(body []byte) (vars map[string]string, params map[string]string, err error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, nil, fmt.Errorf("decode body: %w", err)
	}
	if m == nil {
		return nil, nil, fmt.Errorf("decode body: not an object")
	}
	params = map[string]string{}
	for k, raw := range m {
		if k == "variables" {
			var vm map[string]any
			if err := json.Unmarshal(raw, &vm); err != nil {
				return nil, nil, fmt.Errorf("decode variables: %w", err)
			}
			vars = map[string]string{}
			for vk, vv := range vm {
				vars[vk] = scalarString(vv)
			}
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, nil, fmt.Errorf("decode %s: %w", k, err)
		}
		switch v.(type) {
		case map[string]any, []any, nil:
			continue // not a simple parameter
		}
		params[k] = scalarString(v)
	}
	return vars, params, nil
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func setCommonHeaders(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-cache, no-store")
	w.Header().Set("Server", "Asterisk/aritest")
}

func writeResponse(w http.ResponseWriter, resp response) {
	setCommonHeaders(w)
	for k, v := range resp.headers {
		w.Header().Set(k, v)
	}
	switch {
	case resp.raw != nil:
		w.Header().Set("Content-Type", resp.ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(resp.raw)))
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.raw)
	case resp.body != nil:
		b, err := json.Marshal(resp.body)
		if err != nil {
			b = []byte(`{"message":"Internal Server Error"}`)
			resp.status = http.StatusInternalServerError
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(resp.status)
		_, _ = w.Write(b)
	default:
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(resp.status)
	}
}

// writeHTML answers like Asterisk's HTTP server does outside ARI proper
// (handshake errors, res_ari still loading).
func writeHTML(w http.ResponseWriter, status int, title, heading, text string) {
	setCommonHeaders(w)
	body := "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\r\n<html><head>\r\n<title>" + title +
		"</title>\r\n</head><body>\r\n<h1>" + heading + "</h1>\r\n<p>" + text +
		"</p>\r\n<hr />\r\n<address>Asterisk/aritest</address>\r\n</body></html>\r\n"
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// sortedKeys returns the keys of m in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
