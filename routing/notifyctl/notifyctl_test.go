package notifyctl_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"callsvc/api/notify"
	"callsvc/routing"
	"callsvc/routing/notifyctl"
)

// A notice reaches the webhook's receiver with its id, type, person and
// data, signed.
func TestNoticeReachesWebhook(t *testing.T) {
	got := make(chan notify.Notification, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify("s3cret", r.Header, body, time.Now(), time.Minute); err != nil {
			t.Errorf("signature: %v", err)
		}
		var n notify.Notification
		if err := json.Unmarshal(body, &n); err != nil {
			t.Errorf("body: %v", err)
		}
		got <- n
	}))
	defer srv.Close()
	wh, err := notify.NewWebhook(notify.Config{URL: srv.URL, Secret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	err = notifyctl.New(wh).NotifyPerson(context.Background(), routing.Notice{ID: "n1", Type: routing.NoticeUrgent,
		StaffID: "s1", At: at, Data: json.RawMessage(`{"call_id":"c1"}`)})
	if err != nil {
		t.Fatal(err)
	}
	n := <-got
	if n.ID != "n1" || n.Type != notify.TypeUrgentCall || n.StaffID != "s1" || !n.At.Equal(at) || string(n.Data) != `{"call_id":"c1"}` {
		t.Fatalf("delivered %+v", n)
	}
	if routing.NoticeMessage != notify.TypeMessageTaken {
		t.Fatalf("notice type %q differs from the webhook's %q", routing.NoticeMessage, notify.TypeMessageTaken)
	}
}
