package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Notification types.
const (
	TypeMessageTaken = "message.taken" // Data: the record.Message
	TypeUrgentCall   = "call.urgent"   // Data: the call's id and context
)

// Notification is the JSON body of one delivery.
type Notification struct {
	ID      string          `json:"id"` // unique per notification; receivers drop repeats
	Type    string          `json:"type"`
	At      time.Time       `json:"at"`
	StaffID string          `json:"staff_id"` // whom it is for
	Data    json.RawMessage `json:"data,omitempty"`
}

// Headers of a delivery.
const (
	HeaderDelivery  = "X-Callsvc-Delivery"
	HeaderTimestamp = "X-Callsvc-Timestamp"
	HeaderSignature = "X-Callsvc-Signature"
)

// Config configures a Webhook. Only URL is required; zero fields take the
// defaults beside them.
type Config struct {
	URL    string
	Secret string // HMAC-SHA256 key; empty: deliveries are not signed
	// Attempts bounds the tries of one delivery (0: 5).
	Attempts int
	// Backoff is the wait before the second try, doubling each time up to
	// MaxBackoff (0: 500 ms and 30 s). A Retry-After answer is honoured up
	// to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Timeout bounds each try (0: 10 s).
	Timeout time.Duration
	// Client sends the requests (nil: a client of its own).
	Client *http.Client
	// Now stamps signatures (nil: time.Now).
	Now func() time.Time
}

// Webhook delivers notifications to one URL. It is safe for concurrent use.
type Webhook struct {
	cfg Config
}

// NewWebhook checks cfg and fills its defaults.
func NewWebhook(cfg Config) (*Webhook, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("notify: webhook URL %q must be an absolute http or https URL", cfg.URL)
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Webhook{cfg: cfg}, nil
}

// DeliveryError is why a delivery failed: after how many tries, the last
// HTTP status (0 if none was received) and whether trying again cannot help.
type DeliveryError struct {
	Attempts  int
	Status    int
	Permanent bool
	Err       error
}

func (e *DeliveryError) Error() string {
	return fmt.Sprintf("notify: delivery failed after %d attempt(s): %v", e.Attempts, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// Notify delivers n, retrying failures that may pass (no answer, 408, 425,
// 429, 5xx) until it is accepted (2xx), refused for good (other statuses),
// the attempts run out or ctx ends.
func (w *Webhook) Notify(ctx context.Context, n Notification) error {
	if n.ID == "" || n.Type == "" {
		return &DeliveryError{Permanent: true, Err: errors.New("a notification needs an id and a type")}
	}
	body, err := json.Marshal(n)
	if err != nil {
		return &DeliveryError{Permanent: true, Err: fmt.Errorf("encode: %w", err)}
	}
	wait := w.cfg.Backoff
	for attempt := 1; ; attempt++ {
		status, retryAfter, err := w.send(ctx, n.ID, body)
		if err == nil {
			return nil
		}
		if !retryable(status) || attempt == w.cfg.Attempts || ctx.Err() != nil {
			return &DeliveryError{Attempts: attempt, Status: status, Permanent: !retryable(status), Err: err}
		}
		d := jitter(wait)
		if retryAfter > 0 {
			d = min(retryAfter, w.cfg.MaxBackoff)
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return &DeliveryError{Attempts: attempt, Status: status, Err: errors.Join(err, ctx.Err())}
		case <-t.C:
		}
		wait = min(2*wait, w.cfg.MaxBackoff)
	}
}

// send makes one try and returns the status (0 when no answer came), how
// long the receiver asked to wait, and an error unless it was accepted.
func (w *Webhook) send(ctx context.Context, id string, body []byte) (int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return -1, 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "callsvc-notify/1")
	req.Header.Set(HeaderDelivery, id)
	if w.cfg.Secret != "" {
		ts := strconv.FormatInt(w.cfg.Now().Unix(), 10)
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, Sign(w.cfg.Secret, ts, body))
	}
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return resp.StatusCode, 0, nil
	}
	var after time.Duration
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		after = time.Duration(s) * time.Second
	}
	return resp.StatusCode, after, fmt.Errorf("post: receiver answered HTTP %d", resp.StatusCode)
}

// retryable reports whether a try that ended with status may pass later; 0
// is no answer at all, -1 a request that could not even be built.
func retryable(status int) bool {
	switch {
	case status == 0, status == http.StatusRequestTimeout, status == http.StatusTooEarly,
		status == http.StatusTooManyRequests, status >= 500:
		return true
	}
	return false
}

// jitter spreads retries of many deliveries over [d/2, d], so receivers
// coming back are not hit by all of them at once.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}
