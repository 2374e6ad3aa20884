package ari

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Defaults, as the Go ARI ecosystem uses them.
const (
	DefaultURL            = "http://localhost:8088/ari"
	DefaultApplication    = "callsvc"
	DefaultRequestTimeout = 10 * time.Second
	DefaultMinBackoff     = 250 * time.Millisecond
	DefaultMaxBackoff     = 15 * time.Second
)

// NodeConfig says how to reach one Asterisk.
type NodeConfig struct {
	URL   string // REST base, e.g. http://pbx1:8088/ari
	WSURL string // event socket, e.g. ws://pbx1:8088/ari/events; "" derives it from URL
}

// Config configures a Client. The zero value of each optional field picks
// the default.
type Config struct {
	Nodes       []NodeConfig
	Username    string
	Password    string
	Application string // Stasis application name; default "callsvc"
	// SubscribeAll asks Asterisk for every event, not only those of
	// channels in the application (more traffic; rarely needed).
	SubscribeAll bool
	// RequestTimeout bounds each REST request when the caller's context has
	// no earlier deadline.
	RequestTimeout time.Duration
	// MinBackoff and MaxBackoff bound the jittered wait between WebSocket
	// reconnect attempts.
	MinBackoff, MaxBackoff time.Duration
	// Logger receives connection state changes and skipped frames; the
	// default logs nothing.
	Logger *zerolog.Logger
	// HTTPClient overrides the keep-alive client built for REST requests.
	HTTPClient *http.Client
	// PingInterval is how often the event socket is pinged to notice a dead
	// connection (default 20 s).
	PingInterval time.Duration
	// MaxEventSize bounds one event frame (default 1 MiB).
	MaxEventSize int64
}

// FromEnv reads the configuration from the environment, with the variable
// names the Go ARI ecosystem uses:
//
//	ARI_URL          REST base (default http://localhost:8088/ari)
//	ARI_WSURL        event socket (default derived: ws://host:port/ari/events)
//	ARI_USERNAME     ARI user
//	ARI_PASSWORD     ARI password
//	ARI_APPLICATION  Stasis application (default callsvc)
//
// Several nodes are given as comma-separated lists: ARI_URL="http://a:8088/ari,
// http://b:8088/ari". ARI_WSURL, when set, must list as many URLs, in the
// same order. All nodes share the user, password and application.
func FromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		Username:    getenv("ARI_USERNAME"),
		Password:    getenv("ARI_PASSWORD"),
		Application: getenv("ARI_APPLICATION"),
	}
	urls := splitList(getenv("ARI_URL"))
	if len(urls) == 0 {
		urls = []string{DefaultURL}
	}
	wsurls := splitList(getenv("ARI_WSURL"))
	if len(wsurls) > 0 && len(wsurls) != len(urls) {
		return Config{}, fmt.Errorf("%w: ARI_WSURL lists %d URLs but ARI_URL lists %d", ErrConfig, len(wsurls), len(urls))
	}
	for i, u := range urls {
		n := NodeConfig{URL: u}
		if len(wsurls) > 0 {
			n.WSURL = wsurls[i]
		}
		cfg.Nodes = append(cfg.Nodes, n)
	}
	if err := cfg.withDefaults(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// withDefaults fills defaults and checks URLs; it is idempotent.
func (c *Config) withDefaults() error {
	if c.Application == "" {
		c.Application = DefaultApplication
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(DefaultMaxBackoff, c.MinBackoff)
	}
	if len(c.Nodes) == 0 {
		c.Nodes = []NodeConfig{{URL: DefaultURL}}
	}
	for i := range c.Nodes {
		if err := c.Nodes[i].withDefaults(i); err != nil {
			return err
		}
	}
	return nil
}

// withDefaults derives the WebSocket URL when it is not given and checks
// both; i numbers the node in errors.
func (n *NodeConfig) withDefaults(i int) error {
	n.URL = strings.TrimRight(n.URL, "/")
	u, err := url.Parse(n.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: node %d: bad ARI_URL %q", ErrConfig, i, n.URL)
	}
	if n.WSURL == "" {
		n.WSURL = deriveWSURL(u)
	}
	w, err := url.Parse(n.WSURL)
	if err != nil || (w.Scheme != "ws" && w.Scheme != "wss") || w.Host == "" {
		return fmt.Errorf("%w: node %d: bad ARI_WSURL %q", ErrConfig, i, n.WSURL)
	}
	return nil
}

// deriveWSURL maps http://host:port/ari to ws://host:port/ari/events.
func deriveWSURL(u *url.URL) string {
	w := *u
	w.Scheme = "ws"
	if u.Scheme == "https" {
		w.Scheme = "wss"
	}
	w.Path = strings.TrimRight(u.Path, "/") + "/events"
	w.RawQuery = ""
	return w.String()
}

// String shows the configuration with the password masked, for start-up logs.
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ari: app=%s user=%s password=%s nodes=[", c.Application, c.Username, mask(c.Password))
	for i, n := range c.Nodes {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s|%s", n.URL, n.WSURL)
	}
	b.WriteString("]")
	return b.String()
}

func mask(s string) string {
	if s == "" {
		return `""`
	}
	return "****"
}

// ErrConfig is wrapped by errors from a configuration that cannot work.
var ErrConfig = errors.New("ari: bad configuration")
