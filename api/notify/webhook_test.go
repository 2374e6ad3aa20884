package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/notify"
)

// receiver is a webhook endpoint that answers each delivery with the next
// status of a script (the last one repeats) and keeps what it received.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []delivery
	srv      *httptest.Server
	arrived  chan struct{} // one value per delivery, for tests that wait on one
}

type delivery struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	rc := &receiver{statuses: statuses, arrived: make(chan struct{}, 1000)}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, delivery{r.Header.Clone(), body})
		status := rc.statuses[min(len(rc.got), len(rc.statuses))-1]
		rc.mu.Unlock()
		w.WriteHeader(status)
		select {
		case rc.arrived <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...)
}

var sent = notify.Notification{
	ID: "01JDQ7Z1V3G0S8M0X9T2C4B5N6", Type: notify.TypeMessageTaken,
	At: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC), StaffID: "01JAGENT000000000000000000",
	Data: json.RawMessage(`{"message_id":"01JDQ7Z1V3G0S8M0X9T2C4B5N7","caller_name":"王女士"}`),
}

func webhook(t *testing.T, url, secret string, attempts int) *notify.Webhook {
	t.Helper()
	w, err := notify.NewWebhook(notify.Config{URL: url, Secret: secret, Attempts: attempts, Backoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestFailsTwiceThenDelivered(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 503, 500, 204)
	if err := webhook(t, rc.srv.URL, "s3cret", 5).Notify(context.Background(), sent); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got := rc.deliveries()
	if len(got) != 3 {
		t.Fatalf("%d deliveries, want 3", len(got))
	}
	for i, d := range got {
		var n notify.Notification
		if err := json.Unmarshal(d.body, &n); err != nil {
			t.Fatalf("try %d: body %s: %v", i, d.body, err)
		}
		if diff := cmp.Diff(sent, n); diff != "" {
			t.Errorf("try %d body (-want +got):\n%s", i, diff)
		}
		if d.header.Get(notify.HeaderDelivery) != sent.ID || d.header.Get("Content-Type") != "application/json" {
			t.Errorf("try %d headers %v", i, d.header)
		}
		if err := notify.Verify("s3cret", d.header, d.body, time.Now(), time.Minute); err != nil {
			t.Errorf("try %d: signature: %v", i, err)
		}
		if err := notify.Verify("other", d.header, d.body, time.Now(), time.Minute); !errors.Is(err, notify.ErrBadSignature) {
			t.Errorf("try %d: wrong secret verified: %v", i, err)
		}
		if err := notify.Verify("s3cret", d.header, append(d.body, ' '), time.Now(), time.Minute); !errors.Is(err, notify.ErrBadSignature) {
			t.Errorf("try %d: altered body verified: %v", i, err)
		}
		if err := notify.Verify("s3cret", d.header, d.body, time.Now().Add(time.Hour), time.Minute); !errors.Is(err, notify.ErrStale) {
			t.Errorf("try %d: an hour later still verified: %v", i, err)
		}
	}
}

func TestGivesUpAfterAttempts(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 502)
	err := webhook(t, rc.srv.URL, "", 4).Notify(context.Background(), sent)
	var de *notify.DeliveryError
	if !errors.As(err, &de) || de.Attempts != 4 || de.Status != 502 || de.Permanent {
		t.Fatalf("Notify: %v (%+v), want a retryable failure after 4 attempts", err, de)
	}
	got := rc.deliveries()
	if len(got) != 4 {
		t.Errorf("%d deliveries, want 4", len(got))
	}
	if got[0].header.Get(notify.HeaderSignature) != "" {
		t.Error("signed without a secret")
	}
}

func TestRefusalIsNotRetried(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 400, 204)
	err := webhook(t, rc.srv.URL, "", 5).Notify(context.Background(), sent)
	var de *notify.DeliveryError
	if !errors.As(err, &de) || !de.Permanent || de.Attempts != 1 || de.Status != 400 {
		t.Fatalf("Notify: %v, want a permanent failure after 1 attempt", err)
	}
	if n := len(rc.deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

func TestUnreachableIsRetriedThenReported(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 204)
	url := rc.srv.URL
	rc.srv.Close() // nothing listens there any more
	err := webhook(t, url, "", 3).Notify(context.Background(), sent)
	var de *notify.DeliveryError
	if !errors.As(err, &de) || de.Attempts != 3 || de.Status != 0 || de.Permanent {
		t.Fatalf("Notify: %v, want 3 attempts without an answer", err)
	}
}

func TestCancelStopsRetrying(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 503)
	w, err := notify.NewWebhook(notify.Config{URL: rc.srv.URL, Attempts: 100, Backoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Notify(ctx, sent) }()
	// Wait for the first try, then cancel during the hour-long backoff.
	select {
	case <-rc.arrived:
	case <-time.After(30 * time.Second):
		t.Fatal("no first try")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Notify: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Notify did not return after cancel")
	}
}

func TestNewWebhookRefusesBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "example.com/hook", "ftp://example.com/hook", "http://", "::"} {
		if _, err := notify.NewWebhook(notify.Config{URL: u}); err == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
	rc := newReceiver(t, 204)
	if err := webhook(t, rc.srv.URL, "", 1).Notify(context.Background(), notify.Notification{Type: "x"}); err == nil {
		t.Error("a notification without an id was sent")
	}
}
