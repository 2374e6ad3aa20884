package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/ari/aritest"
)

// doctorLab is a stand-in Asterisk and a database with two staff phones,
// set up as a healthy installation; each test breaks one thing.
type doctorLab struct {
	srv   *aritest.Server
	dsn   string
	store *postgres.Store
	env   map[string]string
}

type labOptions struct {
	sounds      []string
	unregister  string // endpoint whose phone is not registered
	noService   bool   // no callsvc event socket: application not registered
	wrongPasswd bool
}

func newDoctorLab(t *testing.T, o labOptions) *doctorLab {
	t.Helper()
	sounds := o.sounds
	if sounds == nil {
		sounds = requiredSounds("callsvc")
	}
	srv := aritest.NewServer(aritest.Options{Username: "callsvc", Password: "s3cret", Sounds: sounds})
	t.Cleanup(srv.Close)
	for _, ep := range []string{"PJSIP/2001", "PJSIP/2002"} {
		srv.AddPhone(ep, aritest.PhoneOptions{Unregistered: ep == o.unregister})
	}
	dsn := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	for _, s := range []record.Staff{
		{Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Role: "agent", Active: true},
		{Name: "李明", Extension: "2002", Endpoint: "PJSIP/2002", Department: "sales", Role: "agent", Active: true},
		{Name: "Lab agent", Extension: "2101", Endpoint: "Local/2101@test-agents", Department: "sales", Role: "agent", Active: true},
	} {
		if _, err := st.CreateStaff(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if !o.noService {
		// callsvc serve's event socket: registers the application.
		c, err := ari.Connect(ctx, ari.Config{Username: "callsvc", Password: "s3cret",
			Nodes: []ari.NodeConfig{{URL: srv.URL(), WSURL: srv.WSURL()}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
	}
	pw := "s3cret"
	if o.wrongPasswd {
		pw = "wrong"
	}
	return &doctorLab{srv: srv, dsn: dsn, store: st, env: map[string]string{
		"ARI_URL": srv.URL(), "ARI_USERNAME": "callsvc", "ARI_PASSWORD": pw, "DATABASE_URL": dsn,
	}}
}

// doctor runs `callsvc doctor` and returns its output lines by check name.
func (l *doctorLab) doctor(t *testing.T) (map[string]string, string, error) {
	t.Helper()
	var kv []string
	for k, v := range l.env {
		kv = append(kv, k, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"doctor", "--timeout", "10s"}, env(kv...), &out, &errOut)
	lines := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		status, rest, ok := strings.Cut(line, " ")
		if !ok || status == "" {
			continue
		}
		name, _, _ := strings.Cut(rest, ":")
		if status == checkOK || status == checkFail || status == checkWarn {
			lines[name] = line
		}
	}
	t.Logf("callsvc doctor:\n%s", out.String())
	return lines, out.String(), err
}

// wantLine checks one check's status and that its line (and fix, for
// failures) mention the given words.
func wantLine(t *testing.T, lines map[string]string, out, name, status string, words ...string) {
	t.Helper()
	line, ok := lines[name]
	if !ok {
		t.Fatalf("no %q line in:\n%s", name, out)
	}
	if !strings.HasPrefix(line, status+" ") {
		t.Errorf("%s: %q, want status %s\n%s", name, line, status, out)
	}
	// The fix is the line after.
	block := line
	if i := strings.Index(out, line); i >= 0 {
		block = out[i:]
		if j := strings.Index(block[len(line)+1:], "\n"); j >= 0 {
			block = block[:len(line)+1+j]
		}
	}
	if status == checkFail && !strings.Contains(block, "\n  fix: ") {
		t.Errorf("%s failed without a fix:\n%s", name, out)
	}
	for _, w := range words {
		if !strings.Contains(block, w) {
			t.Errorf("%s: %q lacks %q", name, block, w)
		}
	}
}

func TestDoctorAllGood(t *testing.T) {
	t.Parallel()
	lab := newDoctorLab(t, labOptions{})
	lines, out, err := lab.doctor(t)
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	wantLine(t, lines, out, "ari", checkOK, "as callsvc")
	wantLine(t, lines, out, "application", checkOK, `"callsvc" registered`)
	wantLine(t, lines, out, "sounds", checkOK, "prompt sounds present")
	wantLine(t, lines, out, "database", checkOK, "(latest)")
	wantLine(t, lines, out, "phones", checkOK, "2 staff phones registered", "1 Local")
	// The stand-in's version string is not a release number: a warning only.
	wantLine(t, lines, out, "asterisk version", checkWarn, "aritest")
	if strings.Contains(out, "FAIL") {
		t.Errorf("all good but:\n%s", out)
	}
}

func TestDoctorWrongPassword(t *testing.T) {
	t.Parallel()
	lab := newDoctorLab(t, labOptions{wrongPasswd: true})
	lines, out, err := lab.doctor(t)
	if !errors.Is(err, errChecksFailed) {
		t.Fatalf("err = %v, want checks failed\n%s", err, out)
	}
	wantLine(t, lines, out, "ari", checkFail, "refused user", "ARI_PASSWORD", "ari.conf")
	wantLine(t, lines, out, "application", checkWarn, "not checked")
	wantLine(t, lines, out, "database", checkOK)
	if strings.Contains(out, "s3cret") || strings.Contains(out, `"wrong"`) {
		t.Errorf("doctor prints a password:\n%s", out)
	}
}

func TestDoctorApplicationNotRegistered(t *testing.T) {
	t.Parallel()
	lab := newDoctorLab(t, labOptions{noService: true})
	lines, out, err := lab.doctor(t)
	if !errors.Is(err, errChecksFailed) {
		t.Fatalf("err = %v, want checks failed\n%s", err, out)
	}
	wantLine(t, lines, out, "application", checkFail, "not registered", "callsvc serve not running?")
	wantLine(t, lines, out, "ari", checkOK)
	// Doctor itself must not have registered it (no event socket).
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := ari.ConnectREST(ctx, ari.Config{Username: "callsvc", Password: "s3cret", Nodes: []ari.NodeConfig{{URL: lab.srv.URL()}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Application(ctx, c.Nodes()[0], ""); !ari.IsNotFound(err) {
		t.Errorf("after doctor the application is registered (err = %v)", err)
	}
}

func TestDoctorSoundsMissing(t *testing.T) {
	t.Parallel()
	all := requiredSounds("callsvc")
	lab := newDoctorLab(t, labOptions{sounds: all[:len(all)-3]})
	lines, out, err := lab.doctor(t)
	if !errors.Is(err, errChecksFailed) {
		t.Fatalf("err = %v, want checks failed\n%s", err, out)
	}
	wantLine(t, lines, out, "sounds", checkFail, "lacks 3 of", all[len(all)-1], "callsvc prompts build")
}

func TestDoctorPhoneUnregistered(t *testing.T) {
	t.Parallel()
	lab := newDoctorLab(t, labOptions{unregister: "PJSIP/2002"})
	lines, out, err := lab.doctor(t)
	if !errors.Is(err, errChecksFailed) {
		t.Fatalf("err = %v, want checks failed\n%s", err, out)
	}
	wantLine(t, lines, out, "phones", checkFail, "1 of 2", "PJSIP/2002 (李明, ext 2002) offline")
	if strings.Contains(lines["phones"], "PJSIP/2001") {
		t.Errorf("registered phone reported: %s", lines["phones"])
	}
}

func TestDoctorDatabaseDown(t *testing.T) {
	t.Parallel()
	lab := newDoctorLab(t, labOptions{})
	lab.env["DATABASE_URL"] = "host=" + filepath.Join(t.TempDir(), "nosocket") + " dbname=callsvc user=postgres password=pw-not-shown"
	lines, out, err := lab.doctor(t)
	if !errors.Is(err, errChecksFailed) {
		t.Fatalf("err = %v, want checks failed\n%s", err, out)
	}
	wantLine(t, lines, out, "database", checkFail, "cannot reach", "DATABASE_URL")
	wantLine(t, lines, out, "phones", checkWarn, "not checked")
	wantLine(t, lines, out, "application", checkOK)
	if strings.Contains(out, "pw-not-shown") {
		t.Errorf("doctor prints the database password:\n%s", out)
	}
}

func TestDoctorDatabaseNotMigrated(t *testing.T) {
	t.Parallel()
	lab := newDoctorLab(t, labOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := lab.store.Pool().Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied)
		SELECT max(version_id), false FROM goose_db_version`); err != nil {
		t.Fatal(err)
	}
	lines, out, err := lab.doctor(t)
	if !errors.Is(err, errChecksFailed) {
		t.Fatalf("err = %v, want checks failed\n%s", err, out)
	}
	wantLine(t, lines, out, "database", checkFail, "pending", "callsvc migrate")
}

func TestAsteriskMajor(t *testing.T) {
	for _, tc := range []struct {
		v         string
		major     int
		dev, isOK bool
	}{
		{"18.20.0", 18, false, true},
		{"20.5.2", 20, false, true},
		{"16.30.1", 16, false, true},
		{"21.0.0-rc1", 21, false, true},
		{"certified/18.9-cert8", 18, false, true},
		{"GIT-master-f0c1c1a7b7", 0, true, true},
		{"aritest", 0, false, false},
		{"", 0, false, false},
		{"1234.1", 0, false, false},
		{"18x", 0, false, false},
	} {
		major, dev, ok := asteriskMajor(tc.v)
		if major != tc.major || dev != tc.dev || ok != tc.isOK {
			t.Errorf("asteriskMajor(%q) = %d, %v, %v; want %d, %v, %v", tc.v, major, dev, ok, tc.major, tc.dev, tc.isOK)
		}
	}
}
