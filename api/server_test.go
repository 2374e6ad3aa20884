package api_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"callsvc/api"
)

// TestServeDrainsOnShutdown: when ctx ends, a request in flight still gets
// its answer, and Serve returns nil.
func TestServeDrainsOnShutdown(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "done")
	}), ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- api.Serve(ctx, srv, ln, 30*time.Second) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	deadline := time.After(30 * time.Second)
	select {
	case <-entered:
	case <-deadline:
		t.Fatal("request never reached the handler")
	}
	cancel()
	// Shutdown closes the listener first: wait until new connections are
	// refused, then let the request in flight finish.
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		select {
		case <-deadline:
			t.Fatal("listener still open after shutdown began")
		default:
		}
	}
	close(release)
	select {
	case body := <-got:
		if body != "done" {
			t.Errorf("in-flight request got %q", body)
		}
	case <-deadline:
		t.Fatal("in-flight request never answered")
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-deadline:
		t.Fatal("Serve did not return")
	}
}
