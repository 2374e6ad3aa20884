package pbxtest

import "strings"

// Environment variables naming the real Asterisk of the scenario run.
const (
	EnvURL      = "CALLSVC_TEST_ARI_URL"
	EnvUsername = "CALLSVC_TEST_ARI_USERNAME"
	EnvPassword = "CALLSVC_TEST_ARI_PASSWORD"
)

// SkipReason is the one line a real-Asterisk test skips with when
// CALLSVC_TEST_ARI_URL is not set.
const SkipReason = "real Asterisk not configured: set " + EnvURL + " (and " + EnvUsername + ", " +
	EnvPassword + ") to run this scenario against it"

// FromEnv reads the real Asterisk's ARI from the environment; ok is false
// when CALLSVC_TEST_ARI_URL is not set. The user and password default to
// callsvc/callsvc, the lab's.
func FromEnv(getenv func(string) string) (cfg RealConfig, ok bool) {
	cfg.URL = strings.TrimSpace(getenv(EnvURL))
	if cfg.URL == "" {
		return RealConfig{}, false
	}
	cfg.Username, cfg.Password = getenv(EnvUsername), getenv(EnvPassword)
	if cfg.Username == "" {
		cfg.Username = "callsvc"
	}
	if cfg.Password == "" {
		cfg.Password = "callsvc"
	}
	return cfg, true
}
