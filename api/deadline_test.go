package api_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

// rawConn opens a plain TCP connection to the test server and sends head,
// the request line and headers of one request (CRLFs added); the body, if
// any, is the test's to send.
func rawConn(t *testing.T, srv *apitest.Server, head ...string) net.Conn {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// A small fixed receive buffer: a client that does not read holds up
	// the server after a few kilobytes, not after tens of megabytes.
	if err := conn.(*net.TCPConn).SetReadBuffer(16 << 10); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, strings.Join(head, "\r\n")+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// waitClosed waits up to limit for the server to close conn (EOF or a
// reset), reading and dropping whatever it still sends.
func waitClosed(t *testing.T, conn net.Conn, limit time.Duration, what string) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(limit))
	_, err := io.Copy(io.Discard, conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: the server kept the connection for %v", what, limit)
	}
}

// TestIdleConnectionIsClosed (issue 11, medium 5): a kept-alive connection
// that sends nothing more is closed after IdleTimeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, func(c *api.Config) { c.IdleTimeout = 200 * time.Millisecond })
	conn := rawConn(t, srv, "GET /healthz HTTP/1.1", "Host: callsvc")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("first answer %d (close %v), want 200 kept alive", resp.StatusCode, resp.Close)
	}
	waitClosed(t, conn, 20*time.Second, "idle keep-alive")
}

// TestTrickledBodyIsCutOff (issue 11, medium 5): a body that does not
// arrive within BodyTimeout ends the request with 400 and stores nothing,
// however steadily it trickles.
func TestTrickledBodyIsCutOff(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, func(c *api.Config) { c.BodyTimeout = 300 * time.Millisecond })
	body := `{"name":"張偉","notes":"` + strings.Repeat("x", 400) + `"}`
	conn := rawConn(t, srv, "POST /v1/customers HTTP/1.1", "Host: callsvc",
		"Authorization: Bearer "+srv.Tokens[record.RoleSupervisor], "Content-Type: application/json",
		fmt.Sprintf("Content-Length: %d", len(body)))
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() { // a byte every 20 ms: the whole body would take 8 s
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < len(body); i++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a trickled body: %v", err)
	}
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(msg), "did not arrive in time") {
		t.Fatalf("trickled body: %d %s, want 400", resp.StatusCode, msg)
	}
	stop()
	waitClosed(t, conn, 20*time.Second, "after a trickled body")
	if n := stored(t, srv); n != 1 { // the harness's agent
		t.Fatalf("%d rows stored, want only the harness's agent", n)
	}
}

// TestStalledReaderIsLetGo (issue 11, high 1): a client that stops reading
// a long export is cut off once a write makes no progress for
// WriteTimeout; the server does not wait on it for the whole export.
func TestStalledReaderIsLetGo(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	seeded := time.Now()
	if _, err := pgtest.SeedCalls(context.Background(), st.Pool(), 60_000, 11); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded 60,000 calls in %v", time.Since(seeded))
	srv := apitest.NewOn(t, st, func(c *api.Config) { c.WriteTimeout = 300 * time.Millisecond })
	conn := rawConn(t, srv, "GET /v1/calls.csv HTTP/1.1", "Host: callsvc",
		"Authorization: Bearer "+srv.Tokens[record.RoleSupervisor])
	defer conn.Close()
	// The export of some 20 MB cannot fit the socket buffers: the server
	// is stuck writing until the deadline lets it go, and logs the request.
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(srv.Logs.String(), `"path":"/v1/calls.csv"`) {
		if time.Now().After(deadline) {
			t.Fatalf("the export still waits on a client that reads nothing\n%s", srv.Logs.String())
		}
		time.Sleep(20 * time.Millisecond) // polling the log for the event
	}
	if !strings.Contains(srv.Logs.String(), "csv export failed midway") || !strings.Contains(srv.Logs.String(), `"aborted":true`) {
		t.Errorf("the export ended without saying it was cut off:\n%s", srv.Logs.String())
	}
}
