package ari

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

func (c *Client) recordingOp(ctx context.Context, step string, k Key, kind Kind, method, sub string, q query, out any) error {
	if err := k.check(kind); err != nil {
		return err
	}
	n, err := c.node(k.Node)
	if err != nil {
		return err
	}
	base := "/recordings/live/"
	if kind == KindStoredRecording {
		base = "/recordings/stored/"
	}
	if err := c.do(ctx, n, request{method: method, path: base + seg(k.ID) + sub, query: q.values()}, out); err != nil {
		return fmt.Errorf("%s %s: %w", step, k.ID, err)
	}
	return nil
}

// LiveRecording gets a recording in progress.
func (c *Client) LiveRecording(ctx context.Context, rec Key) (*LiveRecording, error) {
	var out LiveRecording
	if err := c.recordingOp(ctx, "get live recording", rec, KindLiveRecording, http.MethodGet, "", nil, &out); err != nil {
		return nil, err
	}
	out.Node = rec.Node
	return &out, nil
}

// StopRecording ends the recording and keeps it (RecordingFinished follows).
func (c *Client) StopRecording(ctx context.Context, rec Key) error {
	return c.recordingOp(ctx, "stop recording", rec, KindLiveRecording, http.MethodPost, "/stop", nil, nil)
}

// CancelRecording ends the recording and throws it away.
func (c *Client) CancelRecording(ctx context.Context, rec Key) error {
	return c.recordingOp(ctx, "cancel recording", rec, KindLiveRecording, http.MethodDelete, "", nil, nil)
}

// PauseRecording pauses; the paused time is left out of the file.
func (c *Client) PauseRecording(ctx context.Context, rec Key) error {
	return c.recordingOp(ctx, "pause recording", rec, KindLiveRecording, http.MethodPost, "/pause", nil, nil)
}

// UnpauseRecording resumes a paused recording.
func (c *Client) UnpauseRecording(ctx context.Context, rec Key) error {
	return c.recordingOp(ctx, "unpause recording", rec, KindLiveRecording, http.MethodDelete, "/pause", nil, nil)
}

// MuteRecording records silence until UnmuteRecording.
func (c *Client) MuteRecording(ctx context.Context, rec Key) error {
	return c.recordingOp(ctx, "mute recording", rec, KindLiveRecording, http.MethodPost, "/mute", nil, nil)
}

// UnmuteRecording undoes MuteRecording.
func (c *Client) UnmuteRecording(ctx context.Context, rec Key) error {
	return c.recordingOp(ctx, "unmute recording", rec, KindLiveRecording, http.MethodDelete, "/mute", nil, nil)
}

// StoredRecordings lists the node's stored recordings.
func (c *Client) StoredRecordings(ctx context.Context, node string) ([]StoredRecording, error) {
	return list(ctx, c, node, "list stored recordings", "/recordings/stored", nil,
		func(v *StoredRecording, node string) { v.Node = node })
}

// StoredRecording gets one stored recording.
func (c *Client) StoredRecording(ctx context.Context, rec Key) (*StoredRecording, error) {
	var out StoredRecording
	if err := c.recordingOp(ctx, "get stored recording", rec, KindStoredRecording, http.MethodGet, "", nil, &out); err != nil {
		return nil, err
	}
	out.Node = rec.Node
	return &out, nil
}

// DeleteRecording deletes a stored recording.
func (c *Client) DeleteRecording(ctx context.Context, rec Key) error {
	return c.recordingOp(ctx, "delete recording", rec, KindStoredRecording, http.MethodDelete, "", nil, nil)
}

// CopyRecording copies a stored recording to a new name and returns the copy.
func (c *Client) CopyRecording(ctx context.Context, rec Key, dest string) (*StoredRecording, error) {
	var out StoredRecording
	q := query{}.str("destinationRecordingName", dest)
	if err := c.recordingOp(ctx, "copy recording", rec, KindStoredRecording, http.MethodPost, "/copy", q, &out); err != nil {
		return nil, err
	}
	out.Node = rec.Node
	return &out, nil
}

// DownloadRecording writes the stored recording's audio file to w and
// returns its content type and size. The per-request deadline covers the
// whole download.
func (c *Client) DownloadRecording(ctx context.Context, rec Key, w io.Writer) (contentType string, n int64, err error) {
	if err := rec.check(KindStoredRecording); err != nil {
		return "", 0, err
	}
	nd, err := c.node(rec.Node)
	if err != nil {
		return "", 0, err
	}
	resp, cancel, err := c.send(ctx, nd, request{method: http.MethodGet, path: "/recordings/stored/" + seg(rec.ID) + "/file"})
	if err != nil {
		return "", 0, fmt.Errorf("download recording %s: %w", rec.ID, err)
	}
	defer cancel()
	defer resp.Body.Close()
	n, err = io.Copy(w, resp.Body)
	if err != nil {
		return "", n, fmt.Errorf("download recording %s: copy: %w", rec.ID, err)
	}
	return resp.Header.Get("Content-Type"), n, nil
}
