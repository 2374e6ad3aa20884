package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"callsvc/routing/calendar"
)

// config is the one configuration struct: defaults here, environment first,
// flags may override. Printed masked at start.
type config struct {
	ARIURL         string // ARI_URL: REST base, comma-separated for several nodes
	ARIWSURL       string // ARI_WSURL: events websocket, derived from ARI_URL when empty
	ARIUsername    string // ARI_USERNAME
	ARIPassword    string // ARI_PASSWORD
	ARIApplication string // ARI_APPLICATION

	DatabaseURL string // DATABASE_URL: empty starts a private cluster under DataDir
	DataDir     string // CALLSVC_DATA_DIR: private cluster and other local state
	Migrate     bool   // CALLSVC_MIGRATE: migrate on start (default true)
	HTTPAddr    string // HTTP_ADDR

	CompanyName   string // COMPANY_NAME
	Language      string // LANGUAGE: zh or en
	RingCadence   string // RING_CADENCE: cn or na
	AnswerRing    int    // ANSWER_RING: 1..3
	Timezone      string // TIMEZONE: IANA name
	Location      *time.Location
	SpoolDir      string        // SPOOL_DIR: records spooled while the store is down
	Hours         string        // BUSINESS_HOURS: the desk's hours on working days, "09:00-18:00"
	Holidays      string        // HOLIDAYS: calendars for greetings and working days: cn, us, ca (comma-separated)
	CompanyDays   string        // COMPANY_DAYS: "2026-03-18=Founding day;2026-08-14=Stocktaking=off"
	WebhookURL    string        // WEBHOOK_URL: POSTed a JSON notice when a message is taken or a caller holds urgently
	WebhookSecret string        // WEBHOOK_SECRET: signs webhook deliveries (HMAC-SHA256)
	UrgentTimeout time.Duration // URGENT_TIMEOUT: how long an urgent caller holds for the person's answer
	// HTTPWriteTimeout (HTTP_WRITE_TIMEOUT) bounds writing a response; a
	// long one (export, audio, stream) must progress within it at every
	// chunk, so a client that stops reading is let go after it.
	HTTPWriteTimeout time.Duration
	// alwaysOpen keeps the desk open around the clock (the demo's setting,
	// so it shows the same flow whenever it is run); no environment name.
	alwaysOpen bool
	LogFormat  string // LOG_FORMAT: json or console (default: console on a terminal)
	LogLevel   string // LOG_LEVEL
}

func defaultConfig() config {
	return config{
		ARIURL:         "http://localhost:8088/ari",
		ARIApplication: "callsvc",
		DataDir:        "var",
		Migrate:        true,
		HTTPAddr:       "127.0.0.1:8080",
		CompanyName:    "callsvc",
		Language:       "zh",
		RingCadence:    "cn",
		AnswerRing:     1,
		Timezone:       "Asia/Shanghai",
		SpoolDir:       "var/spool",
		Hours:          "09:00-18:00",
		Holidays:       "cn",
		LogLevel:       "info",
		UrgentTimeout:  60 * time.Second,

		HTTPWriteTimeout: 30 * time.Second,
	}
}

// loadConfig reads the environment over the defaults and validates the result.
func loadConfig(getenv func(string) string) (config, error) {
	c := defaultConfig()
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	str("ARI_URL", &c.ARIURL)
	str("ARI_WSURL", &c.ARIWSURL)
	str("ARI_USERNAME", &c.ARIUsername)
	str("ARI_PASSWORD", &c.ARIPassword)
	str("ARI_APPLICATION", &c.ARIApplication)
	str("DATABASE_URL", &c.DatabaseURL)
	str("CALLSVC_DATA_DIR", &c.DataDir)
	str("HTTP_ADDR", &c.HTTPAddr)
	str("COMPANY_NAME", &c.CompanyName)
	str("LANGUAGE", &c.Language)
	str("RING_CADENCE", &c.RingCadence)
	str("TIMEZONE", &c.Timezone)
	str("SPOOL_DIR", &c.SpoolDir)
	str("BUSINESS_HOURS", &c.Hours)
	str("HOLIDAYS", &c.Holidays)
	str("COMPANY_DAYS", &c.CompanyDays)
	str("WEBHOOK_URL", &c.WebhookURL)
	str("WEBHOOK_SECRET", &c.WebhookSecret)
	if v := strings.TrimSpace(getenv("URGENT_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("URGENT_TIMEOUT=%q: want a duration such as 60s", v)
		}
		c.UrgentTimeout = d
	}
	if v := strings.TrimSpace(getenv("HTTP_WRITE_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("HTTP_WRITE_TIMEOUT=%q: want a duration such as 30s", v)
		}
		c.HTTPWriteTimeout = d
	}
	str("LOG_FORMAT", &c.LogFormat)
	str("LOG_LEVEL", &c.LogLevel)
	if v := strings.TrimSpace(getenv("ANSWER_RING")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return c, fmt.Errorf("ANSWER_RING=%q: want a whole number 1..3", v)
		}
		c.AnswerRing = n
	}
	if v := strings.TrimSpace(getenv("CALLSVC_MIGRATE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("CALLSVC_MIGRATE=%q: want true or false", v)
		}
		c.Migrate = b
	}
	return c, c.validate()
}

func (c *config) validate() error {
	if c.AnswerRing < 1 || c.AnswerRing > 3 {
		return fmt.Errorf("ANSWER_RING=%d: must be 1..3 (S1: never after the third ring)", c.AnswerRing)
	}
	switch c.RingCadence {
	case "cn", "na":
	default:
		return fmt.Errorf("RING_CADENCE=%q: want cn or na", c.RingCadence)
	}
	switch c.Language {
	case "zh", "en":
	default:
		return fmt.Errorf("LANGUAGE=%q: want zh or en", c.Language)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return fmt.Errorf("TIMEZONE=%q: %w", c.Timezone, err)
	}
	c.Location = loc
	if _, _, err := calendar.ParseHours(c.Hours); err != nil {
		return fmt.Errorf("BUSINESS_HOURS=%q: %w", c.Hours, err)
	}
	if _, err := c.calendar(); err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		if _, err := url.Parse(c.DatabaseURL); err != nil && !strings.Contains(c.DatabaseURL, "=") {
			return fmt.Errorf("DATABASE_URL: %w", err)
		}
	}
	return nil
}

// calendar combines the configured holiday calendars and company days.
func (c config) calendar() (calendar.Calendar, error) {
	var cals []calendar.Calendar
	for _, name := range strings.Split(c.Holidays, ",") {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "cn":
			cals = append(cals, calendar.China())
		case "us":
			cals = append(cals, calendar.UnitedStates())
		case "ca":
			cals = append(cals, calendar.Canada())
		case "", "none":
		default:
			return nil, fmt.Errorf("HOLIDAYS=%q: want a list of cn, us, ca", c.Holidays)
		}
	}
	days, err := calendar.ParseCompanyDays(c.CompanyDays)
	if err != nil {
		return nil, fmt.Errorf("COMPANY_DAYS: %w", err)
	}
	cals = append(cals, calendar.Company(days))
	return calendar.Combine(cals...), nil
}

// masked lists the settings for the start-up log with secrets hidden.
func (c config) masked() map[string]string {
	return map[string]string{
		"ARI_URL":         c.ARIURL,
		"ARI_WSURL":       c.ARIWSURL,
		"ARI_USERNAME":    c.ARIUsername,
		"ARI_PASSWORD":    mask(c.ARIPassword),
		"ARI_APPLICATION": c.ARIApplication,
		"DATABASE_URL":    maskURL(c.DatabaseURL),
		"HTTP_ADDR":       c.HTTPAddr,
		"COMPANY_NAME":    c.CompanyName,
		"LANGUAGE":        c.Language,
		"RING_CADENCE":    c.RingCadence,
		"ANSWER_RING":     strconv.Itoa(c.AnswerRing),
		"TIMEZONE":        c.Timezone,
		"SPOOL_DIR":       c.SpoolDir,
		"BUSINESS_HOURS":  c.Hours,
		"HOLIDAYS":        c.Holidays,
		"COMPANY_DAYS":    c.CompanyDays,
		"WEBHOOK_URL":     maskURL(c.WebhookURL),
		"WEBHOOK_SECRET":  mask(c.WebhookSecret),
		"URGENT_TIMEOUT":  c.UrgentTimeout.String(),

		"HTTP_WRITE_TIMEOUT": c.HTTPWriteTimeout.String(),
	}
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "***"
}

// maskURL hides the password of a URL-form DSN and any password= of a
// keyword-form one.
func maskURL(s string) string {
	if s == "" {
		return ""
	}
	if u, err := url.Parse(s); err == nil && u.Scheme != "" {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "***")
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", "***")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	fields := strings.Fields(s)
	for i, f := range fields {
		if strings.HasPrefix(f, "password=") {
			fields[i] = "password=***"
		}
	}
	return strings.Join(fields, " ")
}
