package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"callsvc/dialplan"
)

const dialplanUsage = `usage:
  callsvc dialplan render --out DIR [--test] [--inbound 100,...] [--placeholders] [flags]
        write extensions.conf, pjsip.conf, ari.conf, http.conf and musiconhold.conf
        from the staff directory (DATABASE_URL); ARI password from ARI_PASSWORD,
        phone passwords derived from CALLSVC_PHONE_SECRET (or --phone-secret-file)
  callsvc dialplan secret ENDPOINT...
        print the SIP password of each PJSIP endpoint (e.g. 2001), to set on the phone
  callsvc dialplan check DIR
        read the .conf files in DIR and report syntax errors and broken references
`

// runDialplan handles `callsvc dialplan render|secret|check`.
func runDialplan(ctx context.Context, cfg config, getenv func(string) string, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, dialplanUsage)
		return errUsage
	}
	switch args[0] {
	case "render":
		return runDialplanRender(ctx, cfg, getenv, args[1:], stdout, stderr)
	case "secret":
		return runDialplanSecret(getenv, args[1:], stdout, stderr)
	case "check":
		return runDialplanCheck(args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, dialplanUsage)
	return errUsage
}

// masterSecret reads the phone master secret from --phone-secret-file or
// CALLSVC_PHONE_SECRET (a file keeps it out of the process list).
func masterSecret(getenv func(string) string, file string) ([]byte, error) {
	var secret []byte
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("phone secret: %w", err)
		}
		secret = []byte(strings.TrimSpace(string(b)))
	default:
		secret = []byte(getenv("CALLSVC_PHONE_SECRET"))
	}
	if len(secret) == 0 {
		return nil, errors.New("no phone master secret: set CALLSVC_PHONE_SECRET or --phone-secret-file (phone passwords are derived from it, never invented)")
	}
	if len(secret) < dialplan.MinMasterSecret {
		return nil, fmt.Errorf("phone master secret too short: %d bytes, want at least %d", len(secret), dialplan.MinMasterSecret)
	}
	return secret, nil
}

func runDialplanRender(ctx context.Context, cfg config, getenv func(string) string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dialplan render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory to write the .conf files into (required)")
	test := fs.Bool("test", false, "add the lab contexts of the real-Asterisk scenario run ([test-caller], [test-agents])")
	inbound := fs.String("inbound", "_X.", "numbers the trunk delivers, comma-separated (exact numbers or _patterns)")
	placeholders := fs.Bool("placeholders", false, "write obvious placeholders instead of passwords (samples, documentation)")
	secretFile := fs.String("phone-secret-file", "", "file holding the phone master secret (default: CALLSVC_PHONE_SECRET)")
	blind := fs.String("blind-transfer", "*1", "DTMF code for a blind transfer")
	attended := fs.String("attended-transfer", "*2", "DTMF code for an attended transfer")
	complete := fs.String("complete-transfer", "*3", "DTMF code completing an attended transfer")
	cancelXfer := fs.String("cancel-transfer", "*0", "DTMF code cancelling an attended transfer")
	trunkHost := fs.String("trunk-host", "", "carrier SIP host[:port]; empty renders only the trunk templates")
	trunkMatch := fs.String("trunk-match", "", "source address of the carrier's calls (default: the trunk host)")
	sipBind := fs.String("sip-bind", "0.0.0.0:5060", "PJSIP UDP transport address")
	httpBind := fs.String("http-bind", "127.0.0.1", "address Asterisk serves ARI on")
	httpPort := fs.Int("http-port", 0, "port Asterisk serves ARI on (default: the port of ARI_URL, else 8088)")
	ring := fs.Int("ring-seconds", 20, "how long an internal call rings a staff phone")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, dialplanUsage)
		return errUsage
	}
	s := dialplan.Settings{
		Company: cfg.CompanyName, Application: cfg.ARIApplication, Language: cfg.Language,
		SIPBind: *sipBind, ARIUser: cfg.ARIUsername, ARIPassword: cfg.ARIPassword,
		HTTPBind: *httpBind, HTTPPort: *httpPort, BlindTransfer: *blind, AttendedTransfer: *attended,
		CompleteTransfer: *complete, CancelTransfer: *cancelXfer,
		RingSeconds: *ring, Test: *test,
	}
	for _, n := range strings.Split(*inbound, ",") {
		if n = strings.TrimSpace(n); n != "" {
			s.Inbound = append(s.Inbound, n)
		}
	}
	if s.HTTPPort == 0 {
		s.HTTPPort = ariPort(cfg.ARIURL)
	}
	if *trunkHost != "" {
		s.Trunk = &dialplan.Trunk{Host: *trunkHost, Match: *trunkMatch}
	}
	if *placeholders {
		s.ARIPassword, s.PhoneSecret = "CHANGE-ME-ari-password", dialplan.PlaceholderSecrets
	} else {
		master, err := masterSecret(getenv, *secretFile)
		if err != nil {
			return fmt.Errorf("dialplan render: %w", err)
		}
		s.PhoneSecret = dialplan.HMACSecrets(master)
	}

	log := newLogger(cfg, stderr)
	st, stop, err := openStore(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("dialplan render: %w", err)
	}
	defer stop()
	staff, err := allStaff(ctx, st)
	if err != nil {
		return fmt.Errorf("dialplan render: %w", err)
	}
	phones, err := dialplan.Phones(staff, s.PhoneSecret)
	if err != nil {
		return fmt.Errorf("dialplan render: %w", err)
	}
	files, err := dialplan.Render(s, phones)
	if err != nil {
		return fmt.Errorf("dialplan render: %w", err)
	}
	if err := dialplan.WriteDir(*out, files); err != nil {
		return fmt.Errorf("dialplan render: %w", err)
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(*out, f.Name))
	}
	fmt.Fprintf(stdout, "%d staff phones; copy the files into Asterisk's configuration directory and reload\n", len(phones))
	return nil
}

// ariPort is the port of the ARI URL, 8088 when it has none.
func ariPort(raw string) int {
	first, _, _ := strings.Cut(raw, ",")
	if u, err := url.Parse(strings.TrimSpace(first)); err == nil {
		if p, err := strconv.Atoi(u.Port()); err == nil {
			return p
		}
	}
	return 8088
}

func runDialplanSecret(getenv func(string) string, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dialplan secret", flag.ContinueOnError)
	fs.SetOutput(stderr)
	secretFile := fs.String("phone-secret-file", "", "file holding the phone master secret (default: CALLSVC_PHONE_SECRET)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, dialplanUsage)
		return errUsage
	}
	master, err := masterSecret(getenv, *secretFile)
	if err != nil {
		return fmt.Errorf("dialplan secret: %w", err)
	}
	for _, ep := range fs.Args() {
		ep = strings.TrimPrefix(ep, "PJSIP/")
		fmt.Fprintf(stdout, "%s %s\n", ep, dialplan.PhoneSecret(master, ep))
	}
	return nil
}

func runDialplanCheck(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprint(stderr, dialplanUsage)
		return errUsage
	}
	files := map[string]*dialplan.Config{}
	matches, err := filepath.Glob(filepath.Join(args[0], "*.conf"))
	if err != nil {
		return fmt.Errorf("dialplan check: %w", err)
	}
	if len(matches) == 0 {
		return fmt.Errorf("dialplan check: no .conf files in %s", args[0])
	}
	var errs []error
	for _, p := range matches {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("dialplan check: %w", err)
		}
		cfg, err := dialplan.Parse(f)
		f.Close()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.Base(p), err))
			continue
		}
		files[filepath.Base(p)] = cfg
	}
	errs = append(errs, dialplan.Check(files)...)
	for _, e := range errs {
		fmt.Fprintln(stdout, e)
	}
	if len(errs) > 0 {
		return fmt.Errorf("dialplan check: %d problems", len(errs))
	}
	fmt.Fprintf(stdout, "%d files read, no problems found\n", len(matches))
	return nil
}
