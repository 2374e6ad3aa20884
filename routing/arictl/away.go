package arictl

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"callsvc/ari"
	"callsvc/routing"
	"callsvc/routing/spool"
)

var (
	_ spool.RecordingFetcher = (*Control)(nil)
	_ routing.PhoneStates    = (*Control)(nil)
)

// FetchRecording downloads a stored recording's file (a message's audio)
// from the node that made it, so callsvc keeps it beyond Asterisk.
func (x *Control) FetchRecording(ctx context.Context, node, name string) ([]byte, error) {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	var buf bytes.Buffer
	if _, _, err := x.c.DownloadRecording(ctx, ari.StoredRecordingKey(node, name), &buf); err != nil {
		return nil, fmt.Errorf("fetch recording: %w", err)
	}
	return buf.Bytes(), nil
}

// Unreachable reports whether Asterisk says the endpoint ("PJSIP/2001")
// is offline: no registered phone. An endpoint Asterisk does not know is
// unreachable too; anything but "offline" (online, unknown) is not, so a
// doubtful answer never keeps a caller from a person.
func (x *Control) Unreachable(ctx context.Context, node, endpoint string) (bool, error) {
	tech, res, ok := strings.Cut(endpoint, "/")
	if !ok || tech == "" || res == "" {
		return false, fmt.Errorf("endpoint state: %q is not tech/resource", endpoint)
	}
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	ep, err := x.c.Endpoint(ctx, ari.EndpointKey(node, tech, res))
	if ari.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("endpoint state: %w", err)
	}
	return ep.State == "offline", nil
}
