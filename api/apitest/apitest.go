// Package apitest runs the real API for tests: a fresh migrated database
// (pgtest), the real handler behind an httptest server, one token per role,
// and an HTTP client that checks every response it receives against the
// OpenAPI document, so the document cannot drift from the code.
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		srv := apitest.New(t)
//		resp := srv.Do(t, "GET", "/v1/calls", record.RoleSupervisor, nil)
//		...
//	}
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"callsvc/api"
	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

// Server is a running API on its own database.
type Server struct {
	URL      string
	Store    *postgres.Store
	Handler  *api.Handler
	Registry *prometheus.Registry
	// Tokens holds a secret per role; the agent token acts for AgentID.
	Tokens  map[string]string
	AgentID string
	// Client validates every response against the OpenAPI document.
	Client *http.Client
	// Logs holds the server's log lines (shown when the test fails).
	Logs *SyncBuffer
}

// New starts a server on a fresh database; opts may adjust the config.
func New(tb testing.TB, opts ...func(*api.Config)) *Server {
	tb.Helper()
	st := pgtest.NewStore(tb)
	return NewOn(tb, st, opts...)
}

// NewOn starts a server on an existing store.
func NewOn(tb testing.TB, st *postgres.Store, opts ...func(*api.Config)) *Server {
	tb.Helper()
	logs := &SyncBuffer{}
	reg := prometheus.NewRegistry()
	cfg := api.Config{Store: st, Logger: zerolog.New(logs), Registry: reg}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := api.NewHandler(cfg)
	if err != nil {
		tb.Fatalf("apitest: new handler: %v", err)
	}
	// The server's deadlines as callsvc serve sets them.
	hs := httptest.NewUnstartedServer(h)
	h.ConfigureServer(hs.Config)
	hs.Start()
	tb.Cleanup(hs.Close)
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("server log:\n%s", logs.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	agent, err := st.CreateStaff(ctx, record.Staff{
		ID: "01JAGENT000000000000000000", Name: "李小龍", Extension: "2999", Endpoint: "PJSIP/2999",
		Department: "desk", Role: record.RoleAgent, Active: true,
	})
	if err != nil {
		tb.Fatalf("apitest: create agent: %v", err)
	}
	s := &Server{
		URL: hs.URL, Store: st, Handler: h, Registry: reg, Logs: logs,
		Tokens: map[string]string{}, AgentID: agent.ID,
	}
	for _, role := range []string{record.RoleService, record.RoleAgent, record.RoleSupervisor} {
		staff := ""
		if role == record.RoleAgent {
			staff = agent.ID
		}
		secret, _, err := api.CreateToken(ctx, st, "test "+role, role, staff)
		if err != nil {
			tb.Fatalf("apitest: create %s token: %v", role, err)
		}
		s.Tokens[role] = secret
	}
	s.Client = &http.Client{Transport: NewValidator(tb, hs.Client().Transport)}
	return s
}

// Response is a response read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// ErrorCode is the code of a JSON error body, or "".
func (r Response) ErrorCode() string {
	var e api.ErrorBody
	_ = json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// Decode unmarshals the body into v, failing the test if it cannot.
func (r Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request as role ("" for no token). body may be nil, a []byte
// or string sent as is, or a value sent as JSON; bodies are sent as
// application/json unless the header says otherwise.
func (s *Server) Do(tb testing.TB, method, path, role string, body any, header ...string) Response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			tb.Fatalf("marshal body: %v", err)
		}
		rd = bytes.NewReader(data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, rd)
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+s.Tokens[role])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Write sends body to a write path (/v1/calls, /v1/events) as the engine
// does, with the service token, and fails the test unless it is stored.
func (s *Server) Write(tb testing.TB, path string, body any) {
	tb.Helper()
	if r := s.Do(tb, http.MethodPost, path, record.RoleService, body); r.Status != http.StatusOK {
		tb.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers (the server's
// request goroutines all log to it).
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
