package dialplan

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"unicode"

	"callsvc/api/record"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// Files rendered, in this order.
var fileNames = []string{"extensions.conf", "pjsip.conf", "ari.conf", "http.conf", "musiconhold.conf"}

// secretFiles hold passwords and are written readable by the owner only.
var secretFiles = map[string]bool{"pjsip.conf": true, "ari.conf": true}

// Settings are everything the renderer needs besides the staff directory.
// Zero values take the defaults noted; ARIPassword and PhoneSecret have none.
type Settings struct {
	Company     string // named in the file headers
	Application string // Stasis application; default "callsvc"
	// Inbound lists the numbers the trunk delivers (exact numbers, or
	// Asterisk patterns such as "_X."); default "_X." (every number).
	Inbound []string
	// Language is the staff phones' channel language; default "zh".
	Language string
	// SIPBind is the PJSIP UDP transport's address; default "0.0.0.0:5060".
	SIPBind string
	// Trunk, when set, renders a concrete carrier trunk; otherwise only the
	// templates and a commented example.
	Trunk *Trunk
	// ARIUser and ARIPassword become ari.conf's user (ARI_USERNAME,
	// ARI_PASSWORD); user default "callsvc". The password is required.
	ARIUser, ARIPassword string
	// HTTPBind and HTTPPort: where Asterisk serves ARI; default 127.0.0.1:8088.
	HTTPBind string
	HTTPPort int
	// BlindTransfer and AttendedTransfer start a transfer (the code, the
	// extension, then #); CompleteTransfer and CancelTransfer end an
	// attended one. Defaults "*1", "*2", "*3", "*0": the engine's codes.
	BlindTransfer, AttendedTransfer  string
	CompleteTransfer, CancelTransfer string
	// RingSeconds bounds internal calls between staff phones; default 20.
	RingSeconds int
	// MOHDirectory holds the hold music files; default "moh".
	MOHDirectory string
	// PhoneSecret gives the SIP password of a PJSIP endpoint (see
	// HMACSecrets and PlaceholderSecrets). Required when a phone is PJSIP.
	PhoneSecret func(endpoint string) string
	// Test adds the lab contexts the real-Asterisk scenario run dials:
	// [test-caller] and [test-agents] with one answering extension per phone.
	Test bool
}

// Trunk is a carrier reached over SIP and recognised by source address.
type Trunk struct {
	Name  string // PJSIP object name; default "pstn"
	Host  string // host[:port] of the carrier, e.g. "sip.carrier.example:5060"
	Match string // source address or network identifying it; default the host without port
}

// File is one rendered configuration file.
type File struct {
	Name string
	Data []byte
}

// Phone is one staff member's phone as the templates see it.
type Phone struct {
	Name, Extension, Department string
	Dial                        string // what Dial() rings: PJSIP/2001, Local/...
	Resource                    string // PJSIP object name ("2001"); "" when not PJSIP
	Secret                      string
}

// PJSIP says whether the phone is a PJSIP endpoint configured here.
func (p Phone) PJSIP() bool { return p.Resource != "" }

// ErrSettings is wrapped by every error about the settings or the directory.
var ErrSettings = errors.New("dialplan: bad settings")

// view is the data of the templates.
type view struct {
	Settings
	App            string
	InboundContext string
	StaffContext   string
	Transport      string
	Phones         []Phone
}

var (
	resourceRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	inboundRE  = regexp.MustCompile(`^(_[0-9XZNxzn.!\[\]+*#-]+|[0-9*#+]+|s)$`)
	dtmfRE     = regexp.MustCompile(`^[0-9*#]{1,8}$`)
	appRE      = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

func (s Settings) withDefaults() Settings {
	s.Application = cmp.Or(s.Application, "callsvc")
	if len(s.Inbound) == 0 {
		s.Inbound = []string{"_X."}
	}
	s.Language = cmp.Or(s.Language, "zh")
	s.SIPBind = cmp.Or(s.SIPBind, "0.0.0.0:5060")
	s.ARIUser = cmp.Or(s.ARIUser, "callsvc")
	s.HTTPBind = cmp.Or(s.HTTPBind, "127.0.0.1")
	s.HTTPPort = cmp.Or(s.HTTPPort, 8088)
	s.BlindTransfer = cmp.Or(s.BlindTransfer, "*1")
	s.AttendedTransfer = cmp.Or(s.AttendedTransfer, "*2")
	s.CompleteTransfer = cmp.Or(s.CompleteTransfer, "*3")
	s.CancelTransfer = cmp.Or(s.CancelTransfer, "*0")
	s.RingSeconds = cmp.Or(s.RingSeconds, 20)
	s.MOHDirectory = cmp.Or(s.MOHDirectory, "moh")
	if s.Trunk != nil {
		t := *s.Trunk
		t.Name = cmp.Or(t.Name, "pstn")
		if t.Match == "" {
			t.Match = t.Host
			if h, _, ok := strings.Cut(t.Host, ":"); ok {
				t.Match = h
			}
		}
		s.Trunk = &t
	}
	return s
}

func (s Settings) validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrSettings}, a...)...))
	}
	if !appRE.MatchString(s.Application) {
		bad("application %q: letters, digits, - and _ only", s.Application)
	}
	for _, n := range s.Inbound {
		if !inboundRE.MatchString(n) {
			bad("inbound number %q: digits (or an Asterisk pattern starting with _)", n)
		}
	}
	if s.ARIPassword == "" {
		bad("no ARI password: set ARI_PASSWORD (it becomes ari.conf's password)")
	}
	if !resourceRE.MatchString(s.ARIUser) {
		bad("ARI user %q: letters, digits, ., - and _ only", s.ARIUser)
	}
	if s.HTTPPort < 1 || s.HTTPPort > 65535 {
		bad("HTTP port %d out of range", s.HTTPPort)
	}
	codes := []string{s.BlindTransfer, s.AttendedTransfer, s.CompleteTransfer, s.CancelTransfer}
	for i, c := range codes {
		if !dtmfRE.MatchString(c) {
			bad("transfer code %q: 1 to 8 of 0-9 * #", c)
		}
		if slices.Contains(codes[:i], c) {
			bad("transfer code %q is used twice", c)
		}
	}
	if s.RingSeconds < 1 || s.RingSeconds > 300 {
		bad("ring time %d s: want 1..300", s.RingSeconds)
	}
	if s.Trunk != nil {
		if !resourceRE.MatchString(s.Trunk.Name) {
			bad("trunk name %q: letters, digits, ., - and _ only", s.Trunk.Name)
		}
		if s.Trunk.Host == "" || strings.ContainsAny(s.Trunk.Host, " \t;/@") {
			bad("trunk host %q: want host or host:port", s.Trunk.Host)
		}
	}
	for name, v := range map[string]string{"company": s.Company, "language": s.Language, "SIP bind": s.SIPBind,
		"HTTP bind": s.HTTPBind, "MOH directory": s.MOHDirectory, "ARI password": s.ARIPassword} {
		if strings.ContainsFunc(v, unicode.IsControl) {
			bad("%s contains a control character", name)
		}
	}
	return errors.Join(errs...)
}

// Phones turns the staff directory into phones: active staff with an
// extension, sorted by extension. PJSIP endpoints get a password from
// secret. Entries that break the directory's rules (record.CheckStaff, the
// same the API applies when they are written), two people on one extension
// or endpoint, and missing passwords are errors naming the person.
func Phones(staff []record.Staff, secret func(endpoint string) string) ([]Phone, error) {
	var phones []Phone
	var errs []error
	exts, eps := map[string]string{}, map[string]string{}
	for _, st := range staff {
		if !st.Active || st.Extension == "" {
			continue
		}
		who := fmt.Sprintf("staff %q (%q)", st.ID, st.Name)
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%w: %s: "+format, append([]any{ErrSettings, who}, a...)...))
		}
		if st.Endpoint == "" {
			st.Endpoint = "PJSIP/" + st.Extension
		}
		if err := record.CheckStaff(st); err != nil {
			bad("%s", record.ErrorMessage(err))
			continue
		}
		if other, dup := exts[st.Extension]; dup {
			bad("extension %s already belongs to %s", st.Extension, other)
			continue
		}
		exts[st.Extension] = who
		if other, dup := eps[st.Endpoint]; dup {
			bad("endpoint %s already belongs to %s", st.Endpoint, other)
			continue
		}
		eps[st.Endpoint] = who
		p := Phone{Name: st.Name, Extension: st.Extension, Department: st.Department, Dial: st.Endpoint}
		if tech, res, _ := strings.Cut(st.Endpoint, "/"); strings.EqualFold(tech, "PJSIP") {
			if secret == nil {
				return nil, fmt.Errorf("%w: no phone secret: give a master secret (--phone-secret or CALLSVC_PHONE_SECRET)", ErrSettings)
			}
			p.Dial, p.Resource, p.Secret = "PJSIP/"+res, res, secret(res)
			if p.Secret == "" || strings.ContainsFunc(p.Secret, unicode.IsControl) {
				bad("no usable password for %s", st.Endpoint)
				continue
			}
		}
		phones = append(phones, p)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(phones, func(a, b Phone) int { return strings.Compare(a.Extension, b.Extension) })
	return phones, nil
}

// Render writes the Asterisk configuration for the phones: extensions.conf,
// pjsip.conf, ari.conf, http.conf and musiconhold.conf, each commented for
// the administrator. Every file it returns parses with Parse and passes
// Check.
func Render(s Settings, phones []Phone) ([]File, error) {
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	v := view{Settings: s, App: s.Application, InboundContext: "from-pstn", StaffContext: "staff-phones",
		Transport: "transport-udp", Phones: phones}
	tmpl, err := template.New("").Funcs(template.FuncMap{"conf": confValue, "quoted": quotedValue}).
		ParseFS(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("dialplan: templates: %w", err)
	}
	files := make([]File, 0, len(fileNames))
	parsed := map[string]*Config{}
	for _, name := range fileNames {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, name+".tmpl", v); err != nil {
			return nil, fmt.Errorf("dialplan: render %s: %w", name, err)
		}
		cfg, err := Parse(bytes.NewReader(b.Bytes()))
		if err != nil {
			return nil, fmt.Errorf("dialplan: rendered %s does not parse: %w", name, err)
		}
		parsed[name] = cfg
		files = append(files, File{Name: name, Data: b.Bytes()})
	}
	if probs := Check(parsed); len(probs) > 0 {
		return nil, fmt.Errorf("dialplan: rendered files fail the checks: %w", errors.Join(probs...))
	}
	return files, nil
}

// confValue makes s safe as a configuration value or comment text: control
// characters become spaces and ";" is escaped so it is not a comment.
func confValue(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.ReplaceAll(s, ";", `\;`)
}

// quotedValue is confValue for the inside of a "..." caller id name: the
// quote and angle brackets that end it, and what Asterisk could read as an
// expansion or an escape ($ { } [ ] \), are replaced.
func quotedValue(s string) string {
	return confValue(strings.NewReplacer(`"`, "'", "<", "(", ">", ")", "$", " ", `\`, " ",
		"{", "(", "}", ")", "[", "(", "]", ")").Replace(s))
}

// WriteDir writes files into dir (created if needed). Files holding
// passwords are readable by their owner only.
func WriteDir(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("dialplan: write: %w", err)
	}
	for _, f := range files {
		mode := os.FileMode(0o644)
		if secretFiles[f.Name] {
			mode = 0o600
		}
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, mode); err != nil {
			return fmt.Errorf("dialplan: write %s: %w", f.Name, err)
		}
		// WriteFile keeps the mode of an existing file; tighten it.
		if err := os.Chmod(p, mode); err != nil {
			return fmt.Errorf("dialplan: write %s: %w", f.Name, err)
		}
	}
	return nil
}
