package dialplan

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// parseCases are the table cases; FuzzParse starts from them too.
var parseCases = []struct {
	name string
	in   string
	want *Config // nil: want an error
	line string  // for errors: "line N" expected in the message
}{
	{"Empty", "", &Config{}, ""},
	{"OnlyComments", "; hello\n  ;; more\n\n", &Config{}, ""},
	{"SectionsAndEntries",
		"[general]\nstatic=yes\n\n[from-pstn] ; inbound\nexten => 100,1,NoOp(hi) ; greet\n same => n,Stasis(callsvc,inbound)\n",
		&Config{Sections: []*Section{
			{Name: "general", Entries: []Entry{{Key: "static", Value: "yes"}}},
			{Name: "from-pstn", Entries: []Entry{
				{Key: "exten", Value: "100,1,NoOp(hi)", Arrow: true},
				{Key: "same", Value: "n,Stasis(callsvc,inbound)", Arrow: true}}},
		}}, ""},
	{"Templates",
		"[phone](!)\ntype=endpoint\n[2001](phone, extra)\nauth = 2001\n[x](!,phone)\n[y](+)\n",
		&Config{Sections: []*Section{
			{Name: "phone", Template: true, Entries: []Entry{{Key: "type", Value: "endpoint"}}},
			{Name: "2001", Inherits: []string{"phone", "extra"}, Entries: []Entry{{Key: "auth", Value: "2001"}}},
			{Name: "x", Template: true, Inherits: []string{"phone"}},
			{Name: "y"},
		}}, ""},
	{"EscapedSemicolon", "[a]\nv = one\\;two ; comment\n",
		&Config{Sections: []*Section{{Name: "a", Entries: []Entry{{Key: "v", Value: "one;two"}}}}}, ""},
	{"BlockComment", "[a]\n;-- all of\nthis = ignored\n--; k=v\nx=1 ;-- inline --; \n",
		&Config{Sections: []*Section{{Name: "a", Entries: []Entry{{Key: "k", Value: "v"}, {Key: "x", Value: "1"}}}}}, ""},
	{"Includes", "#include \"pjsip_custom.conf\"\n[a]\n#tryinclude <more.conf>\n#include\tplain.conf\n",
		&Config{Includes: []Include{{Directive: "include", Target: "pjsip_custom.conf"},
			{Directive: "tryinclude", Target: "more.conf"}, {Directive: "include", Target: "plain.conf"}},
			Sections: []*Section{{Name: "a"}}}, ""},
	{"CRLF", "[a]\r\nk=v\r\n", &Config{Sections: []*Section{{Name: "a", Entries: []Entry{{Key: "k", Value: "v"}}}}}, ""},
	{"EmptyValue", "[a]\nk=\nj =>\n", &Config{Sections: []*Section{{Name: "a", Entries: []Entry{{Key: "k"}, {Key: "j", Arrow: true}}}}}, ""},
	{"EntryBeforeSection", "k=v\n", nil, "line 1"},
	{"NoEquals", "[a]\njust words\n", nil, "line 2"},
	{"MissingBracket", "[a\nk=v\n", nil, "line 1"},
	{"EmptySectionName", "[ ]\n", nil, "line 1"},
	{"JunkAfterHeader", "[a] junk\n", nil, "line 1"},
	{"EmptyTemplateName", "[a](phone,)\n", nil, "line 1"},
	{"UnknownDirective", "[a]\n#frobnicate x\n", nil, "line 2"},
	{"IncludeWithoutFile", "#include\n", nil, "line 1"},
	{"UnclosedBlock", "[a]\n;-- never closed\n", nil, "not closed"},
	{"MissingKey", "[a]\n= v\n", nil, "line 2"},
	{"NUL", "[a]\nk=v\x00\n", nil, "line 2"},
}

var ignoreLines = cmpopts.IgnoreFields(Entry{}, "Line")

func cmpConfig(a, b *Config) string {
	return cmp.Diff(a, b, ignoreLines, cmpopts.IgnoreFields(Section{}, "Line"),
		cmpopts.IgnoreFields(Include{}, "Line"), cmpopts.EquateEmpty())
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if tc.want == nil {
				if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.line) {
					t.Fatalf("err = %v, want ErrSyntax mentioning %q", err, tc.line)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmpConfig(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseKeepsLineNumbers(t *testing.T) {
	cfg, err := Parse(strings.NewReader("; c\n[a]\n\nk=v\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Sections[0]; s.Line != 2 || s.Entries[0].Line != 4 {
		t.Errorf("lines: section %d entry %d, want 2 and 4", s.Line, s.Entries[0].Line)
	}
}

func TestParseRejectsOverlongLine(t *testing.T) {
	_, err := Parse(strings.NewReader("[a]\nk=" + strings.Repeat("x", maxLine+1) + "\n"))
	if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want ErrSyntax at line 2", err)
	}
}

func TestFormatRoundTrips(t *testing.T) {
	for _, tc := range parseCases {
		if tc.want == nil {
			continue
		}
		var b bytes.Buffer
		if err := tc.want.Format(&b); err != nil {
			t.Fatal(err)
		}
		again, err := Parse(&b)
		if err != nil {
			t.Fatalf("%s: formatted text does not parse: %v\n%s", tc.name, err, b.String())
		}
		if diff := cmpConfig(tc.want, again); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", tc.name, diff)
		}
	}
}

// FuzzParse: Parse never panics, and whatever it accepts survives Format
// and a second Parse unchanged.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	for _, tc := range checkCases {
		f.Add(tc.ext)
		f.Add(tc.pjsip)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cfg, err := Parse(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		var b bytes.Buffer
		if err := cfg.Format(&b); err != nil {
			t.Fatal(err)
		}
		again, err := Parse(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("formatted text does not parse: %v\n%q", err, b.String())
		}
		if diff := cmpConfig(cfg, again); diff != "" {
			t.Fatalf("round trip changed the config (-first +second):\n%s\nformatted: %q", diff, b.String())
		}
		Check(map[string]*Config{"extensions.conf": cfg, "pjsip.conf": cfg})
	})
}
