package routing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"callsvc/api/client"
	"callsvc/api/postgres"
	"callsvc/routing"
	"callsvc/routing/spool"
)

// Compile-time: the store and the API's Go client satisfy what routing needs.
var (
	_ routing.Directory      = (*postgres.Store)(nil)
	_ routing.Directory      = (*client.Client)(nil)
	_ routing.PresenceSource = (*postgres.Store)(nil)
	_ routing.PresenceSource = (*client.Client)(nil)
)

// testLog collects log lines, shown only when a test fails.
type testLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *testLog) log(level, msg string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v", level, msg, f))
}

func newTestLog(t *testing.T) *testLog {
	l := &testLog{}
	t.Cleanup(func() {
		if t.Failed() {
			l.mu.Lock()
			defer l.mu.Unlock()
			for _, s := range l.lines {
				t.Log(s)
			}
		}
	})
	return l
}

// startWriter runs the record writer until the test ends.
func startWriter(t *testing.T, w *spool.Writer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
