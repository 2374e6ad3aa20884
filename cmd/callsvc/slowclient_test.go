package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/ari/aritest"
)

// TestSlowClientsHarmOnlyThemselves (issue 11, high 1): `serve` with an API
// pool of four connections and a large call log. Six exports whose clients
// read nothing stall; meanwhile a caller is routed through the engine to
// the one free person on the desk, and a supervisor reads the call log and
// the readiness probe. All succeed; the times are logged for the record
// (asserted only to succeed, never against a clock).
func TestSlowClientsHarmOnlyThemselves(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	u, err := url.Parse(pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", "4") // the API's pool: fewer than the stalled exports
	u.RawQuery = q.Encode()
	dsn := u.String()

	st, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	seeded := time.Now()
	if _, err := pgtest.SeedCalls(ctx, st.Pool(), 60_000, 7); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded 60,000 calls in %v", time.Since(seeded).Round(time.Millisecond))
	// The seed's fifty people have no phones here: they are away, and the
	// desk has one free person, 王芳.
	if _, err := st.Pool().Exec(ctx, `UPDATE staff SET active = false`); err != nil {
		t.Fatal(err)
	}
	person, err := st.CreateStaff(ctx, record.Staff{Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Role: record.RoleAgent, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := api.CreateToken(ctx, st, "Ms Wang", record.RoleSupervisor, "")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	pbx := aritest.NewServer(aritest.Options{Username: "callsvc", Password: "ari-pw", Speed: 20})
	defer pbx.Close()
	pbx.AddPhone("PJSIP/2001", aritest.PhoneOptions{AnswerAfter: time.Second})
	getenv := env("DATABASE_URL", dsn, "HTTP_ADDR", "127.0.0.1:0", "LOG_FORMAT", "json",
		"ARI_URL", pbx.URL(), "ARI_USERNAME", "callsvc", "ARI_PASSWORD", "ari-pw", "SPOOL_DIR", t.TempDir(),
		// Long enough that no stalled export is let go while the test runs:
		// what is shown is that they harm nothing even while they last.
		"HTTP_WRITE_TIMEOUT", "10m")
	cfg, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	cfg.alwaysOpen = true // whatever day the test runs
	serveCtx, stop := context.WithCancel(ctx)
	logs := &apitest.SyncBuffer{}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runServe(serveCtx, cfg, nil, io.Discard, io.MultiWriter(logs, pw))
		pw.Close()
	}()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", logs.String())
		}
	}()
	base := waitListening(t, pr)
	go io.Copy(io.Discard, pr)
	get := func(path string) (int, []byte, time.Duration) {
		t.Helper()
		start := time.Now()
		req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body, time.Since(start)
	}
	if code, body, took := get("/v1/calls?limit=50"); code != http.StatusOK {
		t.Fatalf("call log before the exports: %d %s", code, body)
	} else {
		t.Logf("call log (50 calls) with no export running: %v", took.Round(time.Millisecond))
	}

	// Six exports of some 20 MB each, read up to their headers (sent with
	// the first rows: each is under way) and then not at all.
	host := strings.TrimPrefix(base, "http://")
	var exports []*http.Response
	var conns []net.Conn
	defer func() { // before serve stops: it would wait on them to drain
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 6 {
		conn := smallBufferConn(t, host)
		conns = append(conns, conn)
		fmt.Fprintf(conn, "GET /v1/calls.csv HTTP/1.1\r\nHost: callsvc\r\nAuthorization: Bearer %s\r\n\r\n", token)
		_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("export %d did not start (the API had no database connection for it?): %v", i, err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("export %d: %d", i, resp.StatusCode)
		}
		_ = conn.SetReadDeadline(time.Time{})
		exports = append(exports, resp)
	}

	// A caller asks for the desk: 王芳 is free and her phone rings.
	dialled := time.Now()
	caller := pbx.Dial(ctx, aritest.CallerOptions{From: "+8613800138000", To: "100", Args: []string{"inbound"}})
	if err := caller.WaitHeard(ctx, "sound:callsvc/zh/menu_order"); err != nil {
		t.Fatalf("caller never heard the menu: %v (heard %v)", err, caller.Heard())
	}
	pressed := time.Now()
	if err := caller.Press(ctx, "0"); err != nil {
		t.Fatal(err)
	}
	if err := caller.WaitHeard(ctx, "moh:stop"); err != nil {
		t.Fatalf("the caller was never put through while exports stalled: %v (heard %v)", err, caller.Heard())
	}
	routed := time.Since(pressed)
	if heard := strings.Join(caller.Heard(), " "); strings.Contains(heard, "nobody") || strings.Contains(heard, "sorry") {
		t.Errorf("the caller heard %s", heard)
	}
	code, body, readLog := get("/v1/calls?limit=50")
	if code != http.StatusOK {
		t.Fatalf("call log while exports stall: %d %s", code, body)
	}
	ready, readyBody, readyTook := get("/readyz")
	if ready != http.StatusOK {
		t.Fatalf("/readyz while exports stall: %d %s", ready, readyBody)
	}
	_ = caller.Hangup(ctx)

	// The record says she took it.
	for {
		code, body, _ := get("/v1/calls?limit=1&staff_id=" + person.ID)
		var page struct{ Calls []record.Call }
		if code == http.StatusOK && json.Unmarshal(body, &page) == nil && len(page.Calls) == 1 && page.Calls[0].OwnerStaffID == person.ID {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the routed call never reached the log: %d %s", code, body)
		case <-time.After(50 * time.Millisecond): // polling the API for the record
		}
	}
	// A stalled export that is read again goes on to the end with every
	// call once (it read page by page in between, newest first, so the
	// call made meanwhile is not in it).
	lines, err := countLines(exports[0].Body)
	if err != nil || lines != 60_000+1 { // 王芳's call came after the export's first page
		t.Errorf("resumed export: %d lines (%v), want the header and the 60,000 calls", lines, err)
	}
	t.Logf("with 6 exports stalled: menu heard %v after dialling; caller put through %v after pressing 0; call log read in %v; /readyz in %v",
		pressed.Sub(dialled).Round(time.Millisecond), routed.Round(time.Millisecond), readLog.Round(time.Millisecond), readyTook.Round(time.Millisecond))
}

// smallBufferConn dials addr with a small receive buffer set before the
// connection is made, so the kernel cannot take megabytes on the
// client's behalf (it would grow the buffer up to tcp_rmem's maximum): a
// client that stops reading stops the server's writes within kilobytes.
func smallBufferConn(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = setReceiveBuffer(fd, 16<<10) })
		return cmp.Or(err, serr)
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// countLines counts the CSV records of an export (RFC 4180, quotes and all).
func countLines(r io.Reader) (int, error) {
	recs, err := csv.NewReader(r).ReadAll()
	return len(recs), err
}
