package api

import (
	"cmp"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"callsvc/api/record"
)

// Config is what NewHandler needs. Only Store is required; the zero value of
// every other field takes the default noted beside it.
type Config struct {
	Store Store
	// Logger receives access logs and internal errors (zero value: no logs).
	Logger zerolog.Logger
	// Registry receives the HTTP metrics and is served at /metrics
	// (nil: a fresh registry of the handler's own).
	Registry *prometheus.Registry
	// Now is the clock used to judge written times (nil: time.Now).
	Now func() time.Time
	// CountryCode is the default country for phone numbers in queries and
	// the customer file (empty: record.DefaultCountryCode).
	CountryCode string
	// MaxBody caps a single-record body (0: 1 MiB); MaxBatchBody caps batch
	// writes (0: 8 MiB: a full batch of 1000 calls is about 1 MiB).
	// BodyBudget caps the request bodies held at once, all clients
	// together (0: 64 MiB); requests beyond it wait up to BodyTimeout,
	// then answer 503.
	MaxBody      int64
	MaxBatchBody int64
	BodyBudget   int64
	// RateLimit is the number of requests a token may make per RateWindow
	// (0: 6000 per minute; negative: no limit).
	RateLimit  int
	RateWindow time.Duration
	// TokenCacheTTL is how long a valid token is remembered without asking
	// the store again, so a revoked token may work this long (0: 10 s;
	// negative: never cached).
	TokenCacheTTL time.Duration
	// UnknownTokenLimit is how many lookups of unknown tokens a client
	// address may cause per minute before it is answered 429 without one
	// (0: 20; negative: no limit).
	UnknownTokenLimit int
	// CSVFlushRows is how many CSV rows are written between flushes to the
	// client (0: 500).
	CSVFlushRows int

	// Live is the call engine in this process, for agent transfers and
	// notes on live calls (nil: transfers answer 503; notes go to the
	// timeline only).
	Live Live
	// AgentEvents serves the screen-pop streams (nil: Store, when it has
	// them; otherwise the route answers 503).
	AgentEvents AgentEvents
	// StreamPoll is how often a screen-pop stream looks for new events
	// (0: 250 ms); StreamLimit ends a stream after this long so clients
	// reconnect with Last-Event-ID through proxies that cut long
	// responses (0: 10 min).
	StreamPoll  time.Duration
	StreamLimit time.Duration

	// Deadlines, so that a slow or silent client holds only its own
	// request, and not for long. ReadHeaderTimeout bounds the request
	// line and headers (0: 10 s); BodyTimeout the body, from the start of
	// the handler (0: 30 s); IdleTimeout a kept-alive connection between
	// requests (0: 30 s). WriteTimeout bounds writing a response (0: 30 s;
	// routes that wait on the call engine get their wait on top); exports,
	// audio and screen-pop streams must instead make progress within
	// WriteTimeout at every chunk, and end within ExportLimit (0: 1 h) or
	// StreamLimit.
	ReadHeaderTimeout time.Duration
	BodyTimeout       time.Duration
	IdleTimeout       time.Duration
	WriteTimeout      time.Duration
	ExportLimit       time.Duration
}

// withDefaults fills in the zero fields: the defaults live here and nowhere else.
func (c Config) withDefaults() (Config, error) {
	if c.Store == nil {
		return c, errors.New("api config: a Store is required")
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.CountryCode == "" {
		c.CountryCode = record.DefaultCountryCode
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	if c.MaxBatchBody <= 0 {
		c.MaxBatchBody = 8 << 20
	}
	if c.BodyBudget <= 0 {
		c.BodyBudget = 64 << 20
	}
	if c.RateLimit == 0 {
		c.RateLimit = 6000
	}
	if c.RateWindow <= 0 {
		c.RateWindow = time.Minute
	}
	if c.TokenCacheTTL == 0 {
		c.TokenCacheTTL = 10 * time.Second
	}
	if c.UnknownTokenLimit == 0 {
		c.UnknownTokenLimit = 20
	}
	if c.CSVFlushRows <= 0 {
		c.CSVFlushRows = 500
	}
	if c.AgentEvents == nil {
		if ae, ok := c.Store.(AgentEvents); ok {
			c.AgentEvents = ae
		}
	}
	if c.StreamPoll <= 0 {
		c.StreamPoll = 250 * time.Millisecond
	}
	if c.StreamLimit <= 0 {
		c.StreamLimit = 10 * time.Minute
	}
	c.ReadHeaderTimeout = cmp.Or(max(c.ReadHeaderTimeout, 0), 10*time.Second)
	c.BodyTimeout = cmp.Or(max(c.BodyTimeout, 0), 30*time.Second)
	c.IdleTimeout = cmp.Or(max(c.IdleTimeout, 0), 30*time.Second)
	c.WriteTimeout = cmp.Or(max(c.WriteTimeout, 0), 30*time.Second)
	c.ExportLimit = cmp.Or(max(c.ExportLimit, 0), time.Hour)
	return c, nil
}
