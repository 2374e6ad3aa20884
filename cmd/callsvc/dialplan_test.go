package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/dialplan"
)

const testMaster = "a-master-secret-for-tests-only-0123"

// staffDB is a fresh database with a small staff directory.
func staffDB(t *testing.T) string {
	t.Helper()
	dsn := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, s := range []record.Staff{
		{Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Role: "agent", Active: true},
		{Name: "李明", Extension: "2002", Endpoint: "PJSIP/2002", Department: "sales", Role: "agent", Active: true},
		{Name: "Gone", Extension: "2003", Endpoint: "PJSIP/2003", Department: "sales", Role: "agent", Active: false},
	} {
		if _, err := st.CreateStaff(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return dsn
}

func readConf(t *testing.T, dir, name string) *dialplan.Config {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := dialplan.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cfg
}

func TestDialplanRenderFromTheDirectory(t *testing.T) {
	t.Parallel()
	dsn := staffDB(t)
	dir := filepath.Join(t.TempDir(), "asterisk")
	getenv := env("DATABASE_URL", dsn, "ARI_PASSWORD", "ari-pw-from-env", "CALLSVC_PHONE_SECRET", testMaster,
		"ARI_URL", "http://127.0.0.1:8089/ari", "LOG_FORMAT", "json")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"dialplan", "render", "--out", dir, "--inbound", "100", "--test", "--blind-transfer", "*7"}, getenv, &out, &errOut); err != nil {
		t.Fatalf("render: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "2 staff phones") {
		t.Errorf("output %q, want the phone count", out.String())
	}
	files := map[string]*dialplan.Config{}
	for _, name := range []string{"extensions.conf", "pjsip.conf", "ari.conf", "http.conf", "musiconhold.conf"} {
		files[name] = readConf(t, dir, name)
	}
	if probs := dialplan.Check(files); len(probs) > 0 {
		t.Fatalf("rendered files fail the checks: %v", errors.Join(probs...))
	}
	if got := files["ari.conf"].Section("callsvc").Get("password"); got != "ari-pw-from-env" {
		t.Errorf("ari.conf password %q, want ARI_PASSWORD", got)
	}
	if got := files["http.conf"].Section("general").Get("bindport"); got != "8089" {
		t.Errorf("http.conf bindport %q, want the port of ARI_URL", got)
	}
	want := map[string]string{"2001": dialplan.PhoneSecret([]byte(testMaster), "2001"), "2002": dialplan.PhoneSecret([]byte(testMaster), "2002")}
	got := map[string]string{}
	for _, s := range files["pjsip.conf"].Sections {
		if p := s.Get("password"); p != "" {
			got[s.Name] = p
		}
	}
	if len(got) != 2 || got["2001"] != want["2001"] || got["2002"] != want["2002"] {
		t.Errorf("phone passwords %v, want the HMAC-derived %v (and none for inactive 2003)", got, want)
	}
	if g := files["extensions.conf"].Section("globals"); g.Get("CALLSVC_BLIND_TRANSFER") != "*7" || g.Get("CALLSVC_ATTENDED_TRANSFER") != "*2" {
		t.Errorf("transfer codes %q/%q, want the flag's *7 and the default *2", g.Get("CALLSVC_BLIND_TRANSFER"), g.Get("CALLSVC_ATTENDED_TRANSFER"))
	}
	if files["extensions.conf"].Section("test-agents") == nil {
		t.Error("--test did not add [test-agents]")
	}

	// The secret subcommand tells the person setting up phone 2001 the same password.
	out.Reset()
	if err := run(ctx, []string{"dialplan", "secret", "PJSIP/2001"}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out.String()) != "2001 "+want["2001"] {
		t.Errorf("dialplan secret = %q, want %q", out.String(), "2001 "+want["2001"])
	}

	// check reads the rendered directory back.
	out.Reset()
	if err := run(ctx, []string{"dialplan", "check", dir}, getenv, &out, &errOut); err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "extensions.conf"), []byte("[c]\nexten => 1,n,NoOp()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"dialplan", "check", dir}, getenv, &out, &errOut); err == nil || !strings.Contains(out.String(), "priority n before priority 1") {
		t.Errorf("check of a broken file: err = %v, output %q", err, out.String())
	}
}

// TestDialplanRenderNeverInventsSecrets: without ARI_PASSWORD or the phone
// master secret nothing is written.
func TestDialplanRenderNeverInventsSecrets(t *testing.T) {
	t.Parallel()
	dsn := staffDB(t)
	for name, tc := range map[string]struct {
		env  func(string) string
		want string
	}{
		"NoPhoneSecret":    {env("DATABASE_URL", dsn, "ARI_PASSWORD", "pw", "LOG_FORMAT", "json"), "CALLSVC_PHONE_SECRET"},
		"ShortPhoneSecret": {env("DATABASE_URL", dsn, "ARI_PASSWORD", "pw", "CALLSVC_PHONE_SECRET", "short", "LOG_FORMAT", "json"), "too short"},
		"NoARIPassword":    {env("DATABASE_URL", dsn, "CALLSVC_PHONE_SECRET", testMaster, "LOG_FORMAT", "json"), "ARI_PASSWORD"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var out, errOut bytes.Buffer
			err := run(ctx, []string{"dialplan", "render", "--out", dir}, tc.env, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %s", err, tc.want)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("output directory written anyway (stat: %v)", err)
			}
		})
	}
}

func TestDialplanUsage(t *testing.T) {
	for _, args := range [][]string{{"dialplan"}, {"dialplan", "frob"}, {"dialplan", "render"}, {"dialplan", "secret"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, env(), &out, &errOut); !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want usage", args, err)
		}
	}
}
