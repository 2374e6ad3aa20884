package aritest

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// BenchmarkPing is GET /asterisk/ping over a kept-alive connection (real
// Asterisk on the recording machine: median 0.25 ms).
func BenchmarkPing(b *testing.B) {
	srv := NewServer(Options{})
	defer srv.Close()
	for b.Loop() {
		res, err := doREST(srv, "GET", "/asterisk/ping", "", nil, "")
		if err != nil || res.status != http.StatusOK {
			b.Fatalf("ping: %v %d", err, res.status)
		}
	}
}

// BenchmarkOriginateToStasisStart is POST /channels Local/100@from-pstn
// until the StasisStart of its ";2" half arrives on the WebSocket (real
// Asterisk: median 1.40 ms), then a hangup.
func BenchmarkOriginateToStasisStart(b *testing.B) {
	srv := NewServer(Options{Dialplan: Dialplan{
		"100@from-pstn": {"Stasis(callsvc,inbound)"}, "s@test-caller": {"Wait(600)"}}})
	defer srv.Close()
	c, err := tryDialWS(srv.WSURL()+"?app=callsvc", "callsvc", "callsvc")
	if err != nil {
		b.Fatal(err)
	}
	defer c.conn.CloseNow()
	q := url.Values{"endpoint": {"Local/100@from-pstn"}, "context": {"test-caller"}, "extension": {"s"}}.Encode()
	n := 0
	for b.Loop() {
		res, err := doREST(srv, "POST", "/channels", q, nil, "")
		if err != nil || res.status != http.StatusOK {
			b.Fatalf("originate: %v %d", err, res.status)
		}
		n++
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = c.waitFor(ctx, func(evs []map[string]any, _ bool) bool { return countType(evs, "StasisStart") >= n })
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := doREST(srv, "DELETE", "/channels/"+res.jsonID(), "", nil, ""); err != nil {
			b.Fatal(err)
		}
	}
}
