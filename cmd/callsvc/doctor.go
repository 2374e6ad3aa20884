package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"callsvc/api/postgres"
	"callsvc/ari"
	"callsvc/routing/prompt"
)

// Outcomes of a doctor check, as printed.
const (
	checkOK   = "ok"
	checkFail = "FAIL"
	checkWarn = "warn"
)

// minAsterisk is the oldest Asterisk major version callsvc is built for.
const minAsterisk = 18

// check is the result of one doctor check.
type check struct {
	status, name, detail string
	fix                  string // what to do about a failure or warning
}

// errChecksFailed is returned by doctor when a check failed (exit status 1).
var errChecksFailed = errors.New("checks failed")

// runDoctor handles `callsvc doctor`: it checks the Asterisk, the database
// and the staff phones callsvc depends on and prints one line per check,
// with a fix under each failure. It never opens the event socket, so it can
// run beside a live `callsvc serve` without taking its calls away.
func runDoctor(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	timeout := fs.Duration("timeout", 5*time.Second, "time allowed for each check")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	d := &doctor{cfg: cfg, timeout: *timeout}
	checks := d.run(ctx)
	failed := 0
	for _, c := range checks {
		fmt.Fprintf(stdout, "%s %s: %s\n", c.status, c.name, c.detail)
		if c.fix != "" && c.status != checkOK {
			fmt.Fprintf(stdout, "  fix: %s\n", c.fix)
		}
		if c.status == checkFail {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("doctor: %d of %d %w", failed, len(checks), errChecksFailed)
	}
	return nil
}

type doctor struct {
	cfg     config
	timeout time.Duration
}

// run performs every check in order; later checks that need an earlier one
// (a reachable ARI, a database) are reported as not checked when it failed.
func (d *doctor) run(ctx context.Context) []check {
	var out []check
	client, c := d.checkARI(ctx)
	out = append(out, c)
	if client != nil {
		defer client.Close()
		out = append(out, d.checkVersion(ctx, client), d.checkApplication(ctx, client), d.checkSounds(ctx, client))
	} else {
		for _, name := range []string{"asterisk version", "application", "sounds"} {
			out = append(out, check{status: checkWarn, name: name, detail: "not checked: the ari check failed"})
		}
	}
	st, c := d.checkDatabase(ctx)
	out = append(out, c)
	switch {
	case st == nil:
		out = append(out, check{status: checkWarn, name: "phones", detail: "not checked: no staff directory without the database"})
	case client == nil:
		st.Close()
		out = append(out, check{status: checkWarn, name: "phones", detail: "not checked: the ari check failed"})
	default:
		out = append(out, d.checkPhones(ctx, client, st))
		st.Close()
	}
	return out
}

func (d *doctor) checkARI(ctx context.Context) (*ari.Client, check) {
	c := check{name: "ari"}
	acfg, err := ari.FromEnv(getenvFrom(d.cfg))
	if err != nil {
		c.status, c.detail, c.fix = checkFail, err.Error(), "set ARI_URL (and ARI_WSURL) to Asterisk's ARI, e.g. http://localhost:8088/ari"
		return nil, c
	}
	acfg.RequestTimeout = d.timeout
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	client, err := ari.ConnectREST(ctx, acfg)
	switch {
	case err == nil:
		c.status = checkOK
		c.detail = fmt.Sprintf("%s as %s (nodes %s)", d.cfg.ARIURL, acfg.Username, strings.Join(client.Nodes(), ", "))
		return client, c
	case ari.IsUnauthorized(err):
		c.status = checkFail
		c.detail = fmt.Sprintf("Asterisk refused user %q: wrong ARI_USERNAME or ARI_PASSWORD", acfg.Username)
		c.fix = "set ARI_USERNAME and ARI_PASSWORD to a type=user section of Asterisk's ari.conf (`callsvc dialplan render` writes one from ARI_PASSWORD), then `module reload res_ari.so` in the Asterisk CLI"
	default:
		c.status = checkFail
		c.detail = fmt.Sprintf("cannot reach ARI at %s: %v", d.cfg.ARIURL, err)
		c.fix = "start Asterisk, or correct ARI_URL; Asterisk must load res_ari and serve HTTP (http.conf enabled=yes, bindaddr/bindport as in ARI_URL)"
	}
	return nil, c
}

func (d *doctor) checkVersion(ctx context.Context, client *ari.Client) check {
	c := check{name: "asterisk version", status: checkOK}
	var parts []string
	for _, node := range client.Nodes() {
		ctx, cancel := context.WithTimeout(ctx, d.timeout)
		info, err := client.Info(ctx, node, "system")
		cancel()
		if err != nil || info.System == nil {
			c.status, c.detail = checkWarn, fmt.Sprintf("node %s: cannot read the version: %v", node, err)
			return c
		}
		v := info.System.Version
		major, dev, ok := asteriskMajor(v)
		switch {
		case !ok:
			c.status = checkWarn
			parts = append(parts, fmt.Sprintf("%s: %q is not a release number", node, v))
			c.fix = fmt.Sprintf("make sure it is Asterisk %d or later", minAsterisk)
		case dev:
			parts = append(parts, fmt.Sprintf("%s: %s (development build)", node, v))
		case major < minAsterisk:
			c.status = checkWarn
			parts = append(parts, fmt.Sprintf("%s: %s is older than %d", node, v, minAsterisk))
			c.fix = fmt.Sprintf("upgrade to Asterisk %d or later (callsvc's configuration and ARI use are tested there)", minAsterisk)
		default:
			parts = append(parts, fmt.Sprintf("%s: %s", node, v))
		}
	}
	c.detail = strings.Join(parts, "; ")
	return c
}

// asteriskMajor reads the major version of an Asterisk version string:
// "20.5.2", "18.9-cert8", "certified/18.9-cert8", "21.0.0-rc1" are
// releases; "GIT-master-f0c1c1a7b7" (or a "master" or "devel" build) is a
// development build, newer than any release.
func asteriskMajor(v string) (major int, dev, ok bool) {
	s := strings.ToLower(strings.TrimSpace(v))
	if strings.Contains(s, "master") || strings.Contains(s, "devel") {
		return 0, true, true
	}
	s = strings.TrimPrefix(s, "certified/")
	s = strings.TrimPrefix(s, "certified-")
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 || end > 3 || (end < len(s) && s[end] != '.' && s[end] != '-') {
		return 0, false, false
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return 0, false, false
	}
	return n, false, true
}

func (d *doctor) checkApplication(ctx context.Context, client *ari.Client) check {
	c := check{name: "application", status: checkOK}
	app := client.AppName()
	var missing []string
	for _, node := range client.Nodes() {
		ctx, cancel := context.WithTimeout(ctx, d.timeout)
		_, err := client.Application(ctx, node, app)
		cancel()
		switch {
		case err == nil:
		case ari.IsNotFound(err):
			missing = append(missing, node)
		default:
			c.status, c.detail = checkFail, fmt.Sprintf("node %s: %v", node, err)
			c.fix = "check that res_ari and res_stasis are loaded (`module show like ari`)"
			return c
		}
	}
	if len(missing) > 0 {
		c.status = checkFail
		c.detail = fmt.Sprintf("application %q is not registered on %s", app, strings.Join(missing, ", "))
		c.fix = "callsvc serve not running? Start it: Asterisk registers the application while callsvc's event socket is open and forgets it when the last one closes"
		return c
	}
	c.detail = fmt.Sprintf("application %q registered on %s", app, strings.Join(client.Nodes(), ", "))
	return c
}

// requiredSounds lists the prompt sounds the engine plays, as sound: names
// without the prefix, for every language of the catalogue.
func requiredSounds(company string) []string {
	cat := prompt.Standard(company)
	var out []string
	for _, lang := range prompt.Langs {
		for _, k := range cat.Keys() {
			out = append(out, strings.TrimPrefix(cat.Media(lang, k), "sound:"))
		}
	}
	return out
}

func (d *doctor) checkSounds(ctx context.Context, client *ari.Client) check {
	c := check{name: "sounds", status: checkOK}
	want := requiredSounds(d.cfg.CompanyName)
	for _, node := range client.Nodes() {
		ctx, cancel := context.WithTimeout(ctx, d.timeout)
		have, err := client.Sounds(ctx, node, "", "")
		cancel()
		if err != nil {
			c.status, c.detail = checkFail, fmt.Sprintf("node %s: cannot list sounds: %v", node, err)
			return c
		}
		var missing []string
		for _, name := range want {
			found := false
			for i := range have {
				if have[i].Plays(name) {
					found = true
					break
				}
			}
			if !found {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			shown := missing
			if len(shown) > 5 {
				shown = append(shown[:5:5], "...")
			}
			c.status = checkFail
			c.detail = fmt.Sprintf("node %s lacks %d of %d prompt sounds: %s", node, len(missing), len(want), strings.Join(shown, ", "))
			c.fix = "run `callsvc prompts build --out DIR` and copy DIR into Asterisk's sounds directory as callsvc/ (so that callsvc/zh/<key>.wav is under sounds/)"
			return c
		}
	}
	c.detail = fmt.Sprintf("all %d prompt sounds present", len(want))
	return c
}

func (d *doctor) checkDatabase(ctx context.Context) (*postgres.Store, check) {
	c := check{name: "database"}
	if d.cfg.DatabaseURL == "" {
		c.status = checkWarn
		c.detail = "DATABASE_URL not set: serve would start a private cluster under CALLSVC_DATA_DIR; not checked"
		c.fix = "set DATABASE_URL to the PostgreSQL database callsvc should use"
		return nil, c
	}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	st, err := postgres.Open(ctx, d.cfg.DatabaseURL, postgres.Options{MaxConns: 2})
	if err != nil {
		c.status = checkFail
		c.detail = fmt.Sprintf("cannot reach %s: %v", maskURL(d.cfg.DatabaseURL), err)
		c.fix = "start PostgreSQL or correct DATABASE_URL (host, port, database, user)"
		return nil, c
	}
	ms, err := postgres.MigrationStatus(ctx, st.Pool())
	switch {
	case err != nil:
		c.status, c.detail = checkFail, fmt.Sprintf("cannot read the schema version: %v", err)
		c.fix = "check that the DATABASE_URL user may read the database"
	case len(ms.Unknown) > 0:
		c.status = checkFail
		c.detail = fmt.Sprintf("schema version %d is newer than this callsvc (%d): unknown migrations %v", ms.Current, ms.Latest, ms.Unknown)
		c.fix = "run the callsvc release that migrated this database, or a newer one"
	case len(ms.Pending) > 0:
		c.status = checkFail
		c.detail = fmt.Sprintf("schema at version %d, this callsvc needs %d (pending %v)", ms.Current, ms.Latest, ms.Pending)
		c.fix = "run `callsvc migrate` (serve also migrates on start unless CALLSVC_MIGRATE=false)"
	default:
		c.status, c.detail = checkOK, fmt.Sprintf("reachable, schema at version %d (latest)", ms.Current)
	}
	return st, c
}

// checkPhones looks up every active staff member's endpoint: a PJSIP phone
// that is not registered cannot be rung.
func (d *doctor) checkPhones(ctx context.Context, client *ari.Client, st *postgres.Store) check {
	c := check{name: "phones", status: checkOK}
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	staff, err := allStaff(ctx, st)
	if err != nil {
		c.status, c.detail = checkFail, fmt.Sprintf("cannot read the staff directory: %v", err)
		return c
	}
	var down []string
	checked, skipped := 0, 0
	for _, s := range staff {
		if !s.Active || s.Endpoint == "" {
			continue
		}
		tech, res, ok := strings.Cut(s.Endpoint, "/")
		if !ok || strings.EqualFold(tech, "Local") {
			skipped++ // a Local channel has no registration to check
			continue
		}
		checked++
		state := "not found"
		for _, node := range client.Nodes() {
			ep, err := client.Endpoint(ctx, ari.EndpointKey(node, tech, res))
			if err == nil && ep.State == "online" {
				state = "online"
				break
			}
			if err == nil {
				state = ep.State
			} else if !ari.IsNotFound(err) {
				state = err.Error()
			}
		}
		if state != "online" {
			down = append(down, fmt.Sprintf("%s (%s, ext %s) %s", s.Endpoint, s.Name, s.Extension, state))
		}
	}
	if len(down) > 0 {
		c.status = checkFail
		c.detail = fmt.Sprintf("%d of %d staff phones not registered: %s", len(down), checked, strings.Join(down, "; "))
		c.fix = "switch the phone on and check its SIP account (server, user = endpoint name, password from `callsvc dialplan secret ENDPOINT`); an endpoint \"not found\" is missing from pjsip.conf: run `callsvc dialplan render` and reload res_pjsip"
		return c
	}
	c.detail = fmt.Sprintf("%d staff phones registered", checked)
	if skipped > 0 {
		c.detail += fmt.Sprintf(" (%d Local endpoints not checked)", skipped)
	}
	return c
}
