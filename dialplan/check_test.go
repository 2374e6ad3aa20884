package dialplan

import (
	"errors"
	"strings"
	"testing"
)

const goodExt = `[general]
static=yes
[globals]
X=1
[from-pstn]
exten => 100,1,NoOp(in)
 same => n(greet),Stasis(callsvc,inbound)
 same => 3,Hangup()
exten => 101,hint,PJSIP/2001
include => staff-phones
[staff-phones]
exten => 2001,1,Dial(PJSIP/2001&Local/2002@staff-phones,20)
 same => n,Goto(from-pstn,100,1)
exten => 2002,1,Set(X=$[(1+2)*3])
`

const goodPJSIP = `[t]
type=transport
bind=0.0.0.0:5060
[phone](!)
type=endpoint
transport=t
context=staff-phones
[2001](phone)
auth=2001
aors=2001
[2001]
type=auth
username=2001
password=secret
[2001]
type=aor
[id]
type=identify
endpoint=2001
match=192.0.2.1
`

// checkCases: an empty want means the pair passes the checks.
var checkCases = []struct {
	name       string
	ext, pjsip string
	want       string
}{
	{"Good", goodExt, goodPJSIP, ""},
	{"NBeforeOne", "[c]\nexten => 1,n,NoOp()\n", "", "priority n before priority 1"},
	{"TwoBeforeOne", "[c]\nexten => 1,2,NoOp()\n", "", "priority 2 before priority 1"},
	{"PriorityTwice", "[c]\nexten => 1,1,NoOp()\nexten => 1,1,NoOp()\n", "", "priority 1 again"},
	{"SameWithoutExten", "[c]\nsame => n,NoOp()\n", "", "without an exten"},
	{"ShortExten", "[c]\nexten => 1,1\n", "", "want name,priority,application"},
	{"BadPriority", "[c]\nexten => 1,x,NoOp()\n", "", "want a number from 1"},
	{"UnclosedApp", "[c]\nexten => 1,1,NoOp(ab\n", "", "missing ')'"},
	{"UnbalancedApp", "[c]\nexten => 1,1,NoOp(a(b)\n", "", "unbalanced"},
	{"UnbalancedInside", "[c]\nexten => 1,1,NoOp(a(b)c)x)\n", "", "unbalanced"},
	{"BadAppName", "[c]\nexten => 1,1,No Op()\n", "", "bad name"},
	{"MissingInclude", "[c]\ninclude => nowhere\n", "", `context "nowhere"`},
	{"MissingGotoContext", "[c]\nexten => 1,1,Goto(nowhere,1,1)\n", "", `context "nowhere"`},
	{"MissingLocalContext", "[c]\nexten => 1,1,Dial(Local/1@nowhere,20)\n", "", `context "nowhere"`},
	{"StrayKey", "[c]\nfoo = bar\n", "", `unexpected "foo"`},
	{"EndpointAuthMissing", goodExt, strings.Replace(goodPJSIP, "auth=2001", "auth=2009", 1), `no auth called "2009"`},
	{"EndpointAORMissing", goodExt, strings.Replace(goodPJSIP, "aors=2001", "aors=2001,2010", 1), `no aor called "2010"`},
	{"EndpointTransportMissing", goodExt, strings.Replace(goodPJSIP, "transport=t", "transport=tcp", 1), `no transport called "tcp"`},
	{"EndpointContextMissing", goodExt, strings.Replace(goodPJSIP, "context=staff-phones", "context=phones", 1), "context=phones"},
	{"TemplateUndefined", goodExt, strings.Replace(goodPJSIP, "[2001](phone)", "[2001](fone)", 1), `inherits "fone"`},
	{"NoType", goodExt, goodPJSIP + "[z]\nfoo=1\n", "no known type"},
	{"IdentifyWrongEndpoint", goodExt, strings.Replace(goodPJSIP, "endpoint=2001", "endpoint=2002", 1), `no endpoint called "2002"`},
	{"AuthWithoutPassword", goodExt, strings.Replace(goodPJSIP, "password=secret", "", 1), "without username or password"},
	{"DuplicateObject", goodExt, goodPJSIP + "[2001]\ntype=aor\n", "second aor"},
	// A staff name as the pre-fix renderer wrote it into a label: text
	// that became code.
	{"ShellInLabel", goodExt + "exten => 2003,1,NoOp(internal call to ${SHELL(id)})\n", goodPJSIP, "${SHELL(id)}"},
	{"VariableInLabel", goodExt + "exten => 2003,1,NoOp(call for ${CALLSVC_APPLICATION})\n", goodPJSIP, "only ${EXTEN}"},
	{"ExpressionInDialTimeout", goodExt + "exten => 2003,1,Dial(PJSIP/2001,$[1+1])\n", goodPJSIP, "$[1+1]"},
	{"UnclosedInStasis", goodExt + "exten => 2003,1,Stasis(callsvc,${EXTEN)\n", goodPJSIP, "${EXTEN)"},
	{"ExpansionInExtenName", goodExt + "exten => ${X},1,NoOp()\n", goodPJSIP, "data must not hold"},
	{"ExpansionInGlobals", strings.Replace(goodExt, "X=1", "X=${SHELL(id)}", 1), goodPJSIP, "[globals] X"},
	{"ExpansionInCallerID", goodExt, strings.Replace(goodPJSIP, "aors=2001", "aors=2001\ncallerid=\"${SHELL(id)}\" <2001>", 1), "[2001] callerid"},
	{"CallDataAllowed", goodExt + "exten => 2003,1,NoOp(in ${EXTEN} from ${CALLERID(num)} ${CALLERID(name)})\n same => n,Goto(staff-phones,${EXTEN:1},1)\n", goodPJSIP, ""},
}

func TestCheck(t *testing.T) {
	for _, tc := range checkCases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]*Config{}
			for name, text := range map[string]string{"extensions.conf": tc.ext, "pjsip.conf": tc.pjsip} {
				if text == "" {
					continue
				}
				cfg, err := Parse(strings.NewReader(text))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				files[name] = cfg
			}
			probs := Check(files)
			if tc.want == "" {
				if len(probs) > 0 {
					t.Fatalf("want no problems, got %v", errors.Join(probs...))
				}
				return
			}
			if len(probs) == 0 {
				t.Fatalf("want a problem mentioning %q, got none", tc.want)
			}
			all := errors.Join(probs...).Error()
			if !strings.Contains(all, tc.want) {
				t.Fatalf("problems %q do not mention %q", all, tc.want)
			}
			var p *Problem
			if !errors.As(probs[0], &p) || p.File == "" || p.Line == 0 {
				t.Errorf("problem %v lacks its file and line", probs[0])
			}
		})
	}
}
