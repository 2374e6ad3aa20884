// Package ari is callsvc's client for the Asterisk REST Interface: REST
// requests with a context and a deadline on every call, and one event
// WebSocket per Asterisk node, decoded into typed events and kept alive.
//
// # Nodes and keys
//
// A Client talks to one or more Asterisk nodes (Config.Nodes, or FromEnv
// with comma-separated ARI_URL / ARI_WSURL). Each node is known by its
// entity id (GET /asterisk/info -> system.entity_id). Every resource the
// client hands out carries its node in a Key{Node, Kind, ID}, and every
// request about a Key goes to that node, so a call on node B is never sent
// to node A. Channel.Key(), Playback.Key()... and the events' nested
// resources are stamped with their node.
//
// # Events
//
// Each event type seen from Asterisk decodes into its own Go type
// (*StasisStart, *ChannelDtmfReceived, *PlaybackFinished...); unknown types
// arrive as *UnknownEvent with the raw JSON; a malformed frame is logged
// and skipped. Timestamps use Time, which reads Asterisk's
// "2006-01-02T15:04:05.000-0700" layout (and RFC 3339).
//
// Subscribe(ctx, keys...) gives the events of some resources, in order,
// through an unbounded per-subscriber queue: a slow subscriber delays only
// itself and loses nothing. Playback and recording events also reach the
// subscribers of their target channel or bridge. StasisStarts(ctx, node)
// gives every new channel entering the application. Subscriptions end when
// their context ends, on Close, or when the client closes.
//
// # Subscribe, then act
//
// Asterisk often sends an operation's events before its HTTP answer. The
// *Watch helpers (OriginateWatch, CreateWatch, PlayWatch, RecordWatch,
// SnoopWatch) choose the new resource's id on the client side, subscribe
// to it, and only then send the request. PlayAndWait and RecordAndWait
// build on them. ChannelContext gives a context that ends when a channel
// leaves the application, for a call's goroutine to run under.
//
// Without subscribeAll, a channel the application hangs up itself gets
// ChannelHangupRequest and StasisEnd but no ChannelDestroyed; call
// SubscribeSource(ctx, channelKey) after its StasisStart to get it.
//
// # Errors
//
// A refused request is an *Error with the HTTP status and Asterisk's own
// message. Test it with IsNotFound (404: gone; normal for a channel that
// just hung up), IsConflict (409: e.g. channel not in Stasis),
// IsUnprocessable (422), IsUnauthorized (401), IsBadRequest, IsServerError,
// or errors.As.
//
// # Connection
//
// The event socket reconnects by itself after a loss, with capped,
// jittered backoff; refused connections, 404 (Asterisk still loading) and
// 5xx are retried, while 401 (bad credentials) and other 4xx stop the node
// with one clear error (StateFailed). WatchState reports Connected,
// Disconnected, Failed per node; after a reconnect (StateChange.Reconnected)
// call Resync to list the channels the application still holds. Logs go to
// the zerolog.Logger in Config (none by default).
package ari
