// Package pgcluster starts and stops a private, throwaway PostgreSQL cluster:
// initdb into a directory, a server listening only on a Unix socket in that
// directory, no TCP port. Tests use it once per test binary; `callsvc demo`
// and `callsvc serve` use it when no DATABASE_URL is configured.
//
// PostgreSQL refuses to run as root. When the process is root, the server
// binaries are run as the "postgres" system user through runuser, and the
// directory is handed to that user.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Options tune a cluster. The zero value is a sensible test cluster.
type Options struct {
	// Dir holds the data directory and the socket. Empty: a new temporary
	// directory, removed by Stop.
	Dir string
	// Durable keeps fsync on. Off by default: a throwaway cluster trades
	// crash safety for speed.
	Durable bool
	// Logf, when set, receives one line per step (initdb, start, stop).
	Logf func(format string, args ...any)
	// StopOnExit starts a small watcher process that stops the server (and
	// removes a temporary directory) when this process exits for any reason
	// without calling Stop: a panicking or killed test binary, a crashed
	// service. Without it such a server keeps running.
	StopOnExit bool
}

// Cluster is a running private PostgreSQL server.
type Cluster struct {
	dir     string
	dataDir string
	sockDir string
	bin     string
	asUser  string // "" when not switching user
	ownsDir bool
	logf    func(string, ...any)
	// exitPipe is the write end of the watcher's stdin; the watcher acts
	// when it reads EOF, which happens when this process exits or Stop
	// closes it.
	exitPipe *os.File
	watcher  *exec.Cmd
	// attached is set when another process (a running `callsvc serve`)
	// already runs the server in this directory: we use it, never stop it.
	attached bool
}

// ErrNoServer is returned when the PostgreSQL server binaries cannot be found.
var ErrNoServer = errors.New("pgcluster: PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package or set DATABASE_URL")

// Start creates (if needed) and starts a cluster. A directory that already
// holds a data directory from an earlier run is reused, so `callsvc demo`
// keeps its data between runs when given a fixed directory.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, logf: opts.Logf}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	if opts.Dir == "" {
		d, err := os.MkdirTemp("", "callsvc-pg-")
		if err != nil {
			return nil, fmt.Errorf("pgcluster: temp dir: %w", err)
		}
		c.dir, c.ownsDir = d, true
	} else {
		// The server binaries run in another working directory: the
		// paths handed to them must be absolute.
		abs, err := filepath.Abs(opts.Dir)
		if err != nil {
			return nil, fmt.Errorf("pgcluster: dir: %w", err)
		}
		opts.Dir = abs
		// Parents stay traversable (0755): when we run as root, the
		// server runs as another user that must reach the directory.
		if err := os.MkdirAll(filepath.Dir(opts.Dir), 0o755); err != nil {
			return nil, fmt.Errorf("pgcluster: make dir: %w", err)
		}
		if err := os.Mkdir(opts.Dir, 0o700); err != nil && !os.IsExist(err) {
			return nil, fmt.Errorf("pgcluster: make dir: %w", err)
		}
		c.dir = opts.Dir
	}
	c.dataDir = filepath.Join(c.dir, "data")
	c.sockDir = filepath.Join(c.dir, "sock")
	if err := os.MkdirAll(c.sockDir, 0o700); err != nil {
		c.cleanup()
		return nil, fmt.Errorf("pgcluster: make socket dir: %w", err)
	}
	if os.Geteuid() == 0 {
		c.asUser = "postgres"
		if err := chownTree(c.dir, c.asUser); err != nil {
			c.cleanup()
			return nil, err
		}
	}
	if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); err != nil {
		c.logf("pgcluster: initdb %s", c.dataDir)
		if err := c.run(ctx, "initdb", "-D", c.dataDir, "-U", "postgres", "-A", "trust",
			"-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
			// Some systems lack the C.UTF-8 locale; plain C with UTF8 encoding works everywhere.
			if err2 := c.run(ctx, "initdb", "-D", c.dataDir, "-U", "postgres", "-A", "trust",
				"-E", "UTF8", "--locale=C", "--no-sync"); err2 != nil {
				c.cleanup()
				return nil, fmt.Errorf("pgcluster: initdb: %w", errors.Join(err, err2))
			}
		}
	}
	// A server already running on this data directory (say `callsvc serve`,
	// while an operator runs `callsvc token create`) is shared, not restarted.
	if !c.ownsDir && c.run(ctx, "pg_ctl", "-D", c.dataDir, "status") == nil {
		c.logf("pgcluster: using the server already running in %s", c.dir)
		c.attached = true
		return c, nil
	}
	serverOpts := fmt.Sprintf("-c listen_addresses='' -k %s -c max_connections=200", c.sockDir)
	if !opts.Durable {
		serverOpts += " -F -c synchronous_commit=off -c full_page_writes=off"
	}
	c.logf("pgcluster: starting server, socket in %s", c.sockDir)
	if err := c.run(ctx, "pg_ctl", "-D", c.dataDir, "-o", serverOpts, "-l",
		filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
		logTail, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		c.cleanup()
		return nil, fmt.Errorf("pgcluster: start: %w\n%s", err, tail(logTail, 2000))
	}
	if opts.StopOnExit {
		if err := c.watchExit(); err != nil {
			c.Stop()
			return nil, err
		}
	}
	return c, nil
}

// watchExit starts the watcher of Options.StopOnExit: a shell that waits for
// EOF on its stdin, then stops the server. It runs in its own process group
// so an interrupt aimed at this process does not kill it before it acts.
func (c *Cluster) watchExit() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("pgcluster: watcher pipe: %w", err)
	}
	defer r.Close()
	stop := shellQuote(filepath.Join(c.bin, "pg_ctl")) + " -D " + shellQuote(c.dataDir) + " -m immediate -w stop"
	if c.asUser != "" {
		stop = "runuser -u " + c.asUser + " -- " + stop
	}
	script := "cat >/dev/null; " + stop + " >/dev/null 2>&1"
	if c.ownsDir {
		script += "; rm -rf " + shellQuote(c.dir)
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return fmt.Errorf("pgcluster: start watcher: %w", err)
	}
	c.exitPipe, c.watcher = w, cmd
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// DSN is a connection string for database name on this cluster.
func (c *Cluster) DSN(database string) string {
	q := url.Values{}
	q.Set("host", c.sockDir)
	q.Set("sslmode", "disable")
	return "postgres://postgres@/" + url.PathEscape(database) + "?" + q.Encode()
}

// Dir is the directory the cluster lives in.
func (c *Cluster) Dir() string { return c.dir }

// Stop shuts the server down fast and removes a temporary directory.
func (c *Cluster) Stop() error {
	if c.attached {
		return nil // another process's server
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c.logf("pgcluster: stopping server")
	if c.watcher != nil {
		// Stopping on purpose: end the watcher without letting it act. Its
		// cat child sees EOF when the pipe closes and exits too.
		c.watcher.Process.Kill()
		c.watcher.Wait()
		c.exitPipe.Close()
		c.watcher, c.exitPipe = nil, nil
	}
	err := c.run(ctx, "pg_ctl", "-D", c.dataDir, "-m", "fast", "-w", "stop")
	c.cleanup()
	if err != nil {
		return fmt.Errorf("pgcluster: stop: %w", err)
	}
	return nil
}

func (c *Cluster) cleanup() {
	if c.ownsDir {
		os.RemoveAll(c.dir)
	}
}

func (c *Cluster) run(ctx context.Context, prog string, args ...string) error {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	// pg_ctl start leaves the server running with our stdout/stderr if we
	// hand it pipes, and Wait would then block: give it files instead.
	var out bytes.Buffer
	f, err := os.CreateTemp("", "pgcluster-out-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Dir = os.TempDir()
	err = cmd.Run()
	if err != nil {
		f.Seek(0, 0)
		out.ReadFrom(f)
		return fmt.Errorf("%s: %w: %s", prog, err, tail(out.Bytes(), 2000))
	}
	return nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

// findBin finds the directory holding initdb and pg_ctl: PATH first, then
// Debian's versioned directories (newest first).
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return pgVersion(matches[i]) > pgVersion(matches[j]) })
	for _, m := range matches {
		return filepath.Dir(m), nil
	}
	return "", ErrNoServer
}

func pgVersion(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

func chownTree(dir, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("pgcluster: running as root needs the %q user: %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	err = filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		return fmt.Errorf("pgcluster: chown %s: %w", dir, err)
	}
	// The postgres user must be able to reach the directory through its parents.
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("pgcluster: %s is not traversable by %s; choose another directory", p, name)
		}
	}
	return nil
}
