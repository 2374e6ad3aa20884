package pgcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartQueryStop(t *testing.T) {
	if os.Getenv("DATABASE_URL") != "" {
		t.Skip("DATABASE_URL is set: the private cluster is not used")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Dir()
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		c.Stop()
		t.Fatal(err)
	}
	var enc string
	if err := conn.QueryRow(ctx, "SHOW server_encoding").Scan(&enc); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if enc != "UTF8" {
		t.Errorf("server_encoding = %q, want UTF8", enc)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temporary dir %s still exists after Stop", dir)
	}
}

// TestStopOnExitStopsServerWhenProcessDies runs this test binary as a child
// that starts a cluster with StopOnExit and exits without Stop, as a crashed
// test binary would; the watcher must then stop the server and remove its
// temporary directory.
func TestStopOnExitStopsServerWhenProcessDies(t *testing.T) {
	if os.Getenv("DATABASE_URL") != "" {
		t.Skip("DATABASE_URL is set: the private cluster is not used")
	}
	if os.Getenv("PGCLUSTER_TEST_CHILD") == "1" {
		c, err := Start(context.Background(), Options{StopOnExit: true})
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Println("DIR", c.Dir())
		os.Exit(0) // no Stop
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestStopOnExitStopsServerWhenProcessDies$")
	cmd.Env = append(os.Environ(), "PGCLUSTER_TEST_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var dir string
	for _, line := range strings.Split(string(out), "\n") {
		if d, ok := strings.CutPrefix(line, "DIR "); ok {
			dir = d
		}
	}
	if dir == "" {
		t.Fatalf("child printed no directory:\n%s", out)
	}
	// Wait, with a deadline, for the watcher to finish: the directory goes last.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("cluster directory %s still there: server not stopped after its process exited", dir)
		case <-tick.C:
		}
	}
}

// TestStartInNewNestedDir starts a cluster in a directory whose parents do
// not exist yet, as `callsvc serve` does with its default data directory:
// when running as root, the server's own user must be able to reach it.
func TestStartInNewNestedDir(t *testing.T) {
	if os.Getenv("DATABASE_URL") != "" {
		t.Skip("DATABASE_URL is set: the private cluster is not used")
	}
	base, err := os.MkdirTemp("", "pgcluster-nested-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A relative directory, as the default CALLSVC_DATA_DIR is.
	t.Chdir(base)
	c, err := Start(ctx, Options{Dir: filepath.Join("var", "pg")})
	if err != nil {
		t.Fatal(err)
	}

	// A second start on the same directory while the server runs (an
	// operator's `callsvc token create` beside `callsvc serve`) shares it,
	// and its Stop leaves the server running for the first.
	second, err := Start(ctx, Options{Dir: filepath.Join("var", "pg")})
	if err != nil {
		c.Stop()
		t.Fatalf("second start on a running cluster: %v", err)
	}
	if err := second.Stop(); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		c.Stop()
		t.Fatalf("server gone after the sharer stopped: %v", err)
	}
	conn.Close(ctx)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(base, "var", "pg", "data", "PG_VERSION")); err != nil {
		t.Errorf("data directory not where asked: %v", err)
	}
	if st, err := os.Stat(filepath.Join(base, "var")); err != nil || st.Mode().Perm()&0o005 != 0o005 {
		t.Errorf("parent dir %v %v: want it readable and traversable by others", st.Mode(), err)
	}
}
