// Package notifyctl adapts api/notify's webhook to routing's
// PersonNotifier, so the engine and the message writer can tell people of
// messages and urgent calls without routing importing the webhook:
//
//	wh, err := notify.NewWebhook(notify.Config{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret})
//	people := notifyctl.New(wh) // routing.AwayConfig.Notifier, spool.MessageWriterOptions.Notifier
package notifyctl

import (
	"context"

	"callsvc/api/notify"
	"callsvc/routing"
)

// Webhook is what is needed of *notify.Webhook.
type Webhook interface {
	Notify(ctx context.Context, n notify.Notification) error
}

// Notifier delivers routing notices through a webhook (with its retries).
type Notifier struct{ w Webhook }

var _ routing.PersonNotifier = Notifier{}

// New wraps w.
func New(w Webhook) Notifier { return Notifier{w: w} }

// NotifyPerson sends n as a notification of the same id and type.
func (x Notifier) NotifyPerson(ctx context.Context, n routing.Notice) error {
	return x.w.Notify(ctx, notify.Notification{ID: n.ID, Type: n.Type, At: n.At.UTC(), StaffID: n.StaffID, Data: n.Data})
}
