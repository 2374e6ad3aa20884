// Package notify tells people that something waits for them, by webhook:
// a message was taken for them, or an urgent caller holds (S16–S19). It
// POSTs a JSON Notification to a configured URL, retrying with bounded
// exponential backoff, and signs each delivery with HMAC-SHA256 when a
// secret is set.
//
//	w, err := notify.NewWebhook(notify.Config{URL: url, Secret: secret})
//	if err != nil {
//		return err
//	}
//	err = w.Notify(ctx, notify.Notification{
//		ID: ulid.Make().String(), Type: notify.TypeMessageTaken,
//		At: now, StaffID: staffID, Data: data,
//	})
//
// A receiver checks the signature with Verify and drops repeats by the
// delivery id (X-Callsvc-Delivery): a delivery whose answer was lost is sent
// again with the same id.
package notify
