package ari

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tracesDir is where the real Asterisk traces live: shared/ beside the repo.
var tracesDir = filepath.Join("..", "..", "shared", "ari-traces")

// traceLine is one line of a trace file (only the fields the tests use).
type traceLine struct {
	Dir         string          `json:"dir"`
	ID          int             `json:"id"`
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	Query       string          `json:"query"`
	Event       json.RawMessage `json:"event"`
	Status      int             `json:"status"`
	ContentType string          `json:"content_type"`
	Body        json.RawMessage `json:"body"`
	BodyText    string          `json:"body_text"`
	BodyOmitted bool            `json:"body_omitted"`
}

type traceFile struct {
	name  string
	lines []traceLine
	raw   []json.RawMessage
}

func loadTraces(tb testing.TB) []traceFile {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(tracesDir, "*.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Skipf("no ARI traces at %s (shared/ari-traces is expected beside the repository)", tracesDir)
	}
	var out []traceFile
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		tf := traceFile{name: filepath.Base(name)}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var l traceLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			tf.lines = append(tf.lines, l)
			tf.raw = append(tf.raw, append(json.RawMessage(nil), sc.Bytes()...))
		}
		f.Close()
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
		out = append(out, tf)
	}
	return out
}

// sameJSON fails unless want and got are the same JSON value: same keys at
// every level and the same values. This is how "no field lost" is shown.
func sameJSON(t *testing.T, what string, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: original: %v", what, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: re-encoded: %v", what, err)
	}
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("%s: re-encoded differs (-original +ours):\n%s", what, d)
	}
}

func TestConformanceEvents(t *testing.T) {
	types := map[string]int{}
	for _, tf := range loadTraces(t) {
		for i, l := range tf.lines {
			if l.Dir != "event" {
				continue
			}
			ev, err := DecodeEvent("node-a", l.Event)
			if err != nil {
				t.Errorf("%s:%d: %v", tf.name, i+1, err)
				continue
			}
			if u, ok := ev.(*UnknownEvent); ok {
				t.Errorf("%s:%d: event type %q has no Go type", tf.name, i+1, u.Type)
				continue
			}
			if ev.Base().Node != "node-a" || ev.Base().Timestamp.IsZero() || ev.Base().Application != "callsvc" {
				t.Errorf("%s:%d: base not filled: %+v", tf.name, i+1, ev.Base())
			}
			if len(ev.keys()) == 0 && ev.Base().Type != "ApplicationReplaced" {
				t.Errorf("%s:%d: %s routes to no resource", tf.name, i+1, ev.Base().Type)
			}
			got, err := json.Marshal(ev)
			if err != nil {
				t.Fatalf("%s:%d: marshal: %v", tf.name, i+1, err)
			}
			sameJSON(t, tf.name+":"+ev.Base().Type, l.Event, got)
			types[ev.Base().Type]++
		}
	}
	if len(types) < 20 {
		t.Errorf("only %d event types seen in the traces: %v", len(types), types)
	}
}

// responseType picks the model a successful JSON answer decodes into.
func responseType(method, path string) (any, bool) {
	p := strings.TrimPrefix(path, "/ari")
	seg := strings.Split(strings.Trim(p, "/"), "/")
	last := seg[len(seg)-1]
	switch {
	case p == "/channels" && method == "GET":
		return &[]Channel{}, true
	case p == "/channels" || p == "/channels/create":
		return &Channel{}, true
	case seg[0] == "channels" && len(seg) == 2:
		return &Channel{}, true
	case seg[0] == "channels" && last == "variable", p == "/asterisk/variable":
		return &Variable{}, true
	case seg[0] == "channels" && last == "play", seg[0] == "bridges" && last == "play":
		return &Playback{}, true
	case last == "record":
		return &LiveRecording{}, true
	case seg[0] == "channels" && last == "snoop":
		return &Channel{}, true
	case p == "/bridges" && method == "GET":
		return &[]Bridge{}, true
	case p == "/bridges", seg[0] == "bridges" && len(seg) == 2:
		return &Bridge{}, true
	case seg[0] == "playbacks" && len(seg) == 2:
		return &Playback{}, true
	case strings.HasPrefix(p, "/recordings/live/") && len(seg) == 3:
		return &LiveRecording{}, true
	case p == "/recordings/stored":
		return &[]StoredRecording{}, true
	case strings.HasPrefix(p, "/recordings/stored/") && (len(seg) == 3 || last == "copy"):
		return &StoredRecording{}, true
	case p == "/applications":
		return &[]Application{}, true
	case seg[0] == "applications":
		return &Application{}, true
	case p == "/asterisk/info":
		return &AsteriskInfo{}, true
	case p == "/asterisk/ping":
		return &AsteriskPing{}, true
	case p == "/endpoints":
		return &[]Endpoint{}, true
	case seg[0] == "endpoints" && len(seg) == 3:
		return &Endpoint{}, true
	case seg[0] == "deviceStates" && len(seg) == 2:
		return &DeviceState{}, true
	}
	return nil, false
}

func TestConformanceResponses(t *testing.T) {
	checked, errorsSeen := 0, 0
	for _, tf := range loadTraces(t) {
		reqs := map[int]traceLine{}
		for i, l := range tf.lines {
			switch l.Dir {
			case "request":
				reqs[l.ID] = l
				continue
			case "response":
			default:
				continue
			}
			req := reqs[l.ID]
			where := tf.name + ":" + itoa(i+1) + " " + req.Method + " " + req.Path
			if l.Status == 0 || l.BodyOmitted || len(l.Body) == 0 || string(l.Body) == "null" {
				continue
			}
			if l.Status >= 300 {
				e := decodeError(l.Status, l.ContentType, l.Body)
				if e.Message == "" || e.Status != l.Status {
					t.Errorf("%s: error body %s gave %+v", where, l.Body, e)
				}
				var eb errorBody
				if err := json.Unmarshal(l.Body, &eb); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				got, _ := json.Marshal(eb)
				sameJSON(t, where, l.Body, got)
				errorsSeen++
				continue
			}
			v, ok := responseType(req.Method, req.Path)
			if !ok {
				t.Errorf("%s: no model for this JSON answer: %.200s", where, l.Body)
				continue
			}
			dec := json.NewDecoder(strings.NewReader(string(l.Body)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				t.Errorf("%s: decode into %T: %v", where, v, err)
				continue
			}
			got, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, where, l.Body, got)
			checked++
		}
	}
	if checked < 30 || errorsSeen < 30 {
		t.Errorf("checked only %d answers and %d error bodies", checked, errorsSeen)
	}
}

var htmlReason = regexp.MustCompile(`<p>(.*)</p>`)

// TestConformanceHandshakeErrors: refused WebSocket handshakes (401 JSON,
// 400/404 HTML) become errors carrying Asterisk's reason and the right
// retry class.
func TestConformanceHandshakeErrors(t *testing.T) {
	seen := 0
	for _, tf := range loadTraces(t) {
		for i := range tf.lines {
			if tf.lines[i].Dir != "ws" {
				continue
			}
			var l struct {
				Dir, What string
				Status    int
				Body      string
				Headers   map[string]string
			}
			if err := json.Unmarshal(tf.raw[i], &l); err != nil {
				t.Fatal(err)
			}
			if l.Dir != "ws" || l.What != "connect_failed" || l.Status == 0 {
				continue
			}
			seen++
			e := decodeError(l.Status, l.Headers["Content-Type"], []byte(l.Body))
			want := "Authentication required"
			if m := htmlReason.FindStringSubmatch(l.Body); m != nil {
				want = m[1]
			}
			if e.Message != want {
				t.Errorf("%s:%d: message %q, want %q", tf.name, i+1, e.Message, want)
			}
			wantRetry := l.Status == 404
			if retryableStatus(l.Status) != wantRetry {
				t.Errorf("%s:%d: status %d retryable=%v, want %v", tf.name, i+1, l.Status, !wantRetry, wantRetry)
			}
		}
	}
	if seen < 3 {
		t.Errorf("only %d failed handshakes in the traces", seen)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func filepathGlob() ([]string, error) { return filepath.Glob(filepath.Join(tracesDir, "*.jsonl")) }
