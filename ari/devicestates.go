package ari

import (
	"context"
	"fmt"
	"net/http"
)

// Device states Asterisk knows.
const (
	DeviceNotInUse    = "NOT_INUSE"
	DeviceInUse       = "INUSE"
	DeviceBusy        = "BUSY"
	DeviceInvalid     = "INVALID"
	DeviceUnavailable = "UNAVAILABLE"
	DeviceRinging     = "RINGING"
	DeviceRingInUse   = "RINGINUSE"
	DeviceOnHold      = "ONHOLD"
	DeviceUnknown     = "UNKNOWN"
)

func (c *Client) deviceDo(ctx context.Context, step string, d Key, method string, q query, out any) error {
	if err := d.check(KindDeviceState); err != nil {
		return err
	}
	n, err := c.node(d.Node)
	if err != nil {
		return err
	}
	if err := c.do(ctx, n, request{method: method, path: "/deviceStates/" + seg(d.ID), query: q.values()}, out); err != nil {
		return fmt.Errorf("%s %s: %w", step, d.ID, err)
	}
	return nil
}

// DeviceState gets a device's state.
func (c *Client) DeviceState(ctx context.Context, d Key) (*DeviceState, error) {
	var out DeviceState
	if err := c.deviceDo(ctx, "get device state", d, http.MethodGet, nil, &out); err != nil {
		return nil, err
	}
	out.Node = d.Node
	return &out, nil
}

// SetDeviceState sets a custom device state ("Stasis:NAME" devices only).
func (c *Client) SetDeviceState(ctx context.Context, d Key, state string) error {
	return c.deviceDo(ctx, "set device state", d, http.MethodPut, query{}.str("deviceState", state), nil)
}

// DeleteDeviceState removes a custom device state.
func (c *Client) DeleteDeviceState(ctx context.Context, d Key) error {
	return c.deviceDo(ctx, "delete device state", d, http.MethodDelete, nil, nil)
}
