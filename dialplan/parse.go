package dialplan

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Config is one Asterisk configuration file as read by Parse: its sections
// in order, and the #include lines found outside or inside them.
type Config struct {
	Sections []*Section
	Includes []Include
}

// Section is "[name]" with the lines below it. "[name](!)" is a template
// (Asterisk never loads it as an object); "[name](a,b)" inherits the
// entries of the templates a and b first.
type Section struct {
	Name     string
	Template bool     // "(!)"
	Inherits []string // templates named in the parentheses, in order
	Line     int
	Entries  []Entry
}

// Entry is "key = value" or "key => value" (Arrow). Asterisk treats the two
// the same; extensions.conf uses "=>" for exten, same and include by habit.
type Entry struct {
	Key, Value string
	Arrow      bool
	Line       int
}

// Include is a "#include file" (or #tryinclude, #exec) directive.
type Include struct {
	Directive string // "include", "tryinclude" or "exec"
	Target    string
	Line      int
}

// ErrSyntax is wrapped by every error Parse reports.
var ErrSyntax = errors.New("dialplan: syntax error")

// maxLine bounds one line so that a hostile or broken file cannot make the
// reader hold an unbounded buffer.
const maxLine = 64 << 10

// Parse reads an Asterisk configuration file (extensions.conf, pjsip.conf,
// ari.conf...): sections "[name]", templates "[name](!)" and
// "[name](tmpl,...)", "key = value" and "key => value" lines, ";" comments
// (a "\;" is a literal semicolon), ";-- block comments --;" and #include.
// It reports the first line it cannot read, with its number.
func Parse(r io.Reader) (*Config, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	cfg := &Config{}
	var cur *Section
	inBlock := false
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		if strings.ContainsRune(raw, 0) {
			return nil, fmt.Errorf("%w: line %d: NUL byte", ErrSyntax, n)
		}
		line, stillBlock := stripComments(raw, inBlock)
		inBlock = stillBlock
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		switch {
		case line[0] == '#':
			inc, err := parseDirective(line, n)
			if err != nil {
				return nil, err
			}
			cfg.Includes = append(cfg.Includes, inc)
		case line[0] == '[':
			s, err := parseHeader(line, n)
			if err != nil {
				return nil, err
			}
			cfg.Sections = append(cfg.Sections, s)
			cur = s
		default:
			e, err := parseEntry(line, n)
			if err != nil {
				return nil, err
			}
			if cur == nil {
				return nil, fmt.Errorf("%w: line %d: %q before any [section]", ErrSyntax, n, e.Key)
			}
			cur.Entries = append(cur.Entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: line %d: longer than %d bytes", ErrSyntax, n+1, maxLine)
		}
		return nil, fmt.Errorf("dialplan: read: %w", err)
	}
	if inBlock {
		return nil, fmt.Errorf("%w: block comment ;-- not closed by --;", ErrSyntax)
	}
	return cfg, nil
}

// stripComments removes ";" comments and ";-- ... --;" blocks from one line;
// inBlock says whether the line starts inside a block comment. "\;" stays
// as a literal ";".
func stripComments(s string, inBlock bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if inBlock {
			if strings.HasPrefix(s[i:], "--;") {
				inBlock = false
				i += 2
			}
			continue
		}
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == ';':
			b.WriteByte(';')
			i++
		case c == ';' && strings.HasPrefix(s[i:], ";--"):
			inBlock = true
			i += 2
		case c == ';':
			return b.String(), false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), inBlock
}

func parseDirective(line string, n int) (Include, error) {
	word, rest, _ := strings.Cut(line[1:], " ")
	if i := strings.IndexByte(word, '\t'); i >= 0 {
		word, rest = word[:i], word[i+1:]+" "+rest
	}
	switch word {
	case "include", "tryinclude", "exec":
	default:
		return Include{}, fmt.Errorf("%w: line %d: unknown directive #%s", ErrSyntax, n, word)
	}
	target := strings.TrimSpace(rest)
	if len(target) >= 2 && (target[0] == '"' && target[len(target)-1] == '"' || target[0] == '<' && target[len(target)-1] == '>') {
		target = target[1 : len(target)-1]
	}
	if target == "" {
		return Include{}, fmt.Errorf("%w: line %d: #%s without a file", ErrSyntax, n, word)
	}
	return Include{Directive: word, Target: target, Line: n}, nil
}

func parseHeader(line string, n int) (*Section, error) {
	end := strings.IndexByte(line, ']')
	if end < 0 {
		return nil, fmt.Errorf("%w: line %d: %q: missing ']'", ErrSyntax, n, line)
	}
	name := strings.TrimSpace(line[1:end])
	if name == "" {
		return nil, fmt.Errorf("%w: line %d: empty section name", ErrSyntax, n)
	}
	if strings.ContainsAny(name, "[]") {
		return nil, fmt.Errorf("%w: line %d: bad section name %q", ErrSyntax, n, name)
	}
	s := &Section{Name: name, Line: n}
	rest := strings.TrimSpace(line[end+1:])
	if rest == "" {
		return s, nil
	}
	if rest[0] != '(' || rest[len(rest)-1] != ')' {
		return nil, fmt.Errorf("%w: line %d: unexpected %q after [%s]", ErrSyntax, n, rest, name)
	}
	for _, opt := range strings.Split(rest[1:len(rest)-1], ",") {
		opt = strings.TrimSpace(opt)
		switch opt {
		case "!":
			s.Template = true
		case "":
			return nil, fmt.Errorf("%w: line %d: empty template name in [%s]%s", ErrSyntax, n, name, rest)
		case "+":
			// "(+)" adds to an earlier section of the same name; nothing to record.
		default:
			if strings.ContainsAny(opt, "()[]") {
				return nil, fmt.Errorf("%w: line %d: bad template name %q", ErrSyntax, n, opt)
			}
			s.Inherits = append(s.Inherits, opt)
		}
	}
	return s, nil
}

func parseEntry(line string, n int) (Entry, error) {
	eq := strings.IndexByte(line, '=')
	if eq < 0 {
		return Entry{}, fmt.Errorf("%w: line %d: %q: want key = value", ErrSyntax, n, line)
	}
	key := strings.TrimSpace(line[:eq])
	val := line[eq+1:]
	arrow := strings.HasPrefix(val, ">")
	if arrow {
		val = val[1:]
	}
	if key == "" {
		return Entry{}, fmt.Errorf("%w: line %d: %q: missing key", ErrSyntax, n, line)
	}
	if strings.ContainsAny(key, "[]") {
		return Entry{}, fmt.Errorf("%w: line %d: bad key %q", ErrSyntax, n, key)
	}
	return Entry{Key: key, Value: strings.TrimSpace(val), Arrow: arrow, Line: n}, nil
}

// Section finds the first section called name that is not a template, or
// nil.
func (c *Config) Section(name string) *Section {
	for _, s := range c.Sections {
		if s.Name == name && !s.Template {
			return s
		}
	}
	return nil
}

// Get is the value of the last entry key in s ("" when absent): in Asterisk
// a later line overrides an earlier one for most options.
func (s *Section) Get(key string) string { return lastValue(s.Entries, key) }

// lastValue is the value of the last entry key in entries, or "".
func lastValue(entries []Entry, key string) string {
	v := ""
	for _, e := range entries {
		if e.Key == key {
			v = e.Value
		}
	}
	return v
}

// Format writes c back as configuration text: what Parse reads from it is
// equal to c (apart from line numbers).
func (c *Config) Format(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, inc := range c.Includes {
		fmt.Fprintf(bw, "#%s \"%s\"\n", inc.Directive, esc(inc.Target))
	}
	for _, s := range c.Sections {
		opts := s.Inherits
		if s.Template {
			opts = append([]string{"!"}, opts...)
		}
		fmt.Fprintf(bw, "[%s]", esc(s.Name))
		if len(opts) > 0 {
			fmt.Fprintf(bw, "(%s)", esc(strings.Join(opts, ",")))
		}
		bw.WriteByte('\n')
		for _, e := range s.Entries {
			op := "="
			if e.Arrow {
				op = "=>"
			}
			fmt.Fprintf(bw, "%s %s %s\n", esc(e.Key), op, esc(e.Value))
		}
	}
	return bw.Flush()
}

// esc protects the semicolons of a name or value from being read as a
// comment.
func esc(s string) string { return strings.ReplaceAll(s, ";", `\;`) }
