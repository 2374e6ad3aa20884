package api_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// tokenIDs lists the tokens through the API, by role.
func tokenIDs(t *testing.T, srv *apitest.Server) map[string]record.Token {
	t.Helper()
	r := srv.Do(t, http.MethodGet, "/v1/tokens", record.RoleSupervisor, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list tokens: %d %s", r.Status, r.Body)
	}
	var list api.TokenList
	r.Decode(t, &list)
	out := map[string]record.Token{}
	for _, tok := range list.Tokens {
		out[tok.Role] = tok
	}
	if strings.Contains(string(r.Body), "hash") || strings.Contains(string(r.Body), api.TokenPrefix) {
		t.Errorf("the token list shows a hash or a secret: %s", r.Body)
	}
	return out
}

// openStream opens role's screen-pop stream of staffID and returns its body
// once the stream has begun.
func openStream(t *testing.T, srv *apitest.Server, role, staffID string) io.ReadCloser {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/agents/"+staffID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+srv.Tokens[role])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream: %d", resp.StatusCode)
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "retry:") {
		t.Fatalf("stream began with %q, %v", line, err)
	}
	return resp.Body
}

// waitStreamEnd waits up to limit for the server to end a stream.
func waitStreamEnd(t *testing.T, body io.ReadCloser, limit time.Duration, what string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, body); done <- err }()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Logf("%s: stream ended with %v", what, err)
		}
	case <-time.After(limit):
		body.Close()
		t.Fatalf("%s: the stream was still open after %v", what, limit)
	}
}

// TestRevocationReachesEverything (issue 11, medium 6): a supervisor lists
// and revokes tokens; a revoked token is refused at once by this instance
// however long its cache, its open screen-pop stream ends within the cache
// lifetime, and deactivating a person does the same to their tokens.
func TestRevocationReachesEverything(t *testing.T) {
	t.Parallel()
	const ttl = 300 * time.Millisecond
	srv := apitest.New(t, func(c *api.Config) {
		c.TokenCacheTTL = ttl
		c.StreamPoll = 20 * time.Millisecond
		c.StreamLimit = 10 * time.Minute
	})
	toks := tokenIDs(t, srv)
	if len(toks) != 3 {
		t.Fatalf("tokens %+v, want one per role", toks)
	}
	if r := srv.Do(t, http.MethodGet, "/v1/staff", record.RoleService, nil); r.Status != http.StatusOK {
		t.Fatalf("service before revoking: %d", r.Status) // and now cached
	}
	r := srv.Do(t, http.MethodDelete, "/v1/tokens/"+toks[record.RoleService].ID, record.RoleSupervisor, nil)
	var revoked record.Token
	r.Decode(t, &revoked)
	if r.Status != http.StatusOK || revoked.RevokedAt == nil || revoked.ID != toks[record.RoleService].ID {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, http.MethodGet, "/v1/staff", record.RoleService, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("revoked service token: %d, want 401 at once", r.Status)
	}
	again := srv.Do(t, http.MethodDelete, "/v1/tokens/"+revoked.ID, record.RoleSupervisor, nil)
	var twice record.Token
	again.Decode(t, &twice)
	if again.Status != http.StatusOK || !twice.RevokedAt.Equal(*revoked.RevokedAt) {
		t.Errorf("revoking twice: %d %s, want the first time kept", again.Status, again.Body)
	}
	if r := srv.Do(t, http.MethodDelete, "/v1/tokens/01JNOSUCHTOKEN000000000000", record.RoleSupervisor, nil); r.Status != http.StatusNotFound {
		t.Errorf("revoking an unknown token: %d", r.Status)
	}

	// An agent's open stream ends once the token is revoked elsewhere (the
	// store, as another instance or the CLI would).
	stream := openStream(t, srv, record.RoleAgent, srv.AgentID)
	if _, err := srv.Store.RevokeToken(context.Background(), toks[record.RoleAgent].ID); err != nil {
		t.Fatal(err)
	}
	waitStreamEnd(t, stream, 30*time.Second, "revoked agent token")

	// Deactivating a person revokes their tokens: a new agent token of
	// the same person, its stream, and a supervisor's stream of them.
	secret, tok, err := api.CreateToken(context.Background(), srv.Store, "agent again", record.RoleAgent, srv.AgentID)
	if err != nil {
		t.Fatal(err)
	}
	srv.Tokens[record.RoleAgent] = secret
	if r := srv.Do(t, http.MethodGet, "/v1/calls", record.RoleAgent, nil); r.Status != http.StatusOK {
		t.Fatalf("new agent token: %d", r.Status)
	}
	stream = openStream(t, srv, record.RoleAgent, srv.AgentID)
	staff, err := srv.Store.GetStaff(context.Background(), srv.AgentID)
	if err != nil {
		t.Fatal(err)
	}
	off := false
	r = srv.Do(t, http.MethodPut, "/v1/staff/"+srv.AgentID, record.RoleSupervisor, api.StaffInput{
		Name: staff.Name, Extension: staff.Extension, Endpoint: staff.Endpoint, Department: staff.Department,
		Role: staff.Role, Active: &off,
	})
	if r.Status != http.StatusOK {
		t.Fatalf("deactivate: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, http.MethodGet, "/v1/calls", record.RoleAgent, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("a deactivated person's token: %d, want 401 at once", r.Status)
	}
	waitStreamEnd(t, stream, 30*time.Second, "deactivated person")
	if got := tokenIDs(t, srv); got[record.RoleAgent].ID != tok.ID || got[record.RoleAgent].RevokedAt == nil {
		t.Errorf("the list does not show the person's token revoked: %+v", got[record.RoleAgent])
	}
}

// TestAccessLogNamesTheToken (issue 11, low): each request's log line names
// the token behind it by id, never by its secret.
func TestAccessLogNamesTheToken(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	id := tokenIDs(t, srv)[record.RoleSupervisor].ID
	logs := srv.Logs.String()
	if !strings.Contains(logs, `"token_id":"`+id+`"`) {
		t.Errorf("no access log line names token %s:\n%s", id, logs)
	}
	for _, secret := range srv.Tokens {
		if strings.Contains(logs, secret) || strings.Contains(logs, secret[len(api.TokenPrefix):]) {
			t.Errorf("a token secret is in the log")
		}
	}
}
