package routing_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/record"
	"callsvc/routing"
)

func TestKeypadDigits(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"EveryKey", "abcdefghijklmnopqrstuvwxyz", "22233344455566677778889999"},
		{"UpperCaseAsLower", "WANG Fang", "92643264"},
		{"SpacesAndPunctuationDropped", " zhang-san ", "94264726"},
		{"NonLettersDropped", "李 li 2", "54"},
		{"Empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := routing.KeypadDigits(tc.in); got != tc.want {
				t.Fatalf("KeypadDigits(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// dirPerson is a directory entry with a spelling.
func dirPerson(id, name, ext, spelling string) record.Staff {
	return record.Staff{ID: id, Name: name, Extension: ext, Endpoint: "PJSIP/" + ext, Department: "sales",
		Role: record.RoleAgent, Active: true, Spelling: spelling}
}

var (
	wangFang  = dirPerson("01A", "王芳", "2001", "wang fang")  // 9264 3264
	wangQiang = dirPerson("01B", "王強", "2002", "wang qiang") // 9264 74264
	zhangWei  = dirPerson("01C", "張偉", "2003", "zhang wei")  // 94264 934
	liNa      = dirPerson("01D", "李娜", "2004", "li na")      // 54 62
	noSpell   = dirPerson("01E", "趙六", "2005", "")
	leftWang  = func() record.Staff {
		s := dirPerson("01F", "王偉", "2006", "wang wei")
		s.Active = false
		return s
	}()
	directory = []record.Staff{zhangWei, wangQiang, leftWang, wangFang, liNa, noSpell}
)

func TestMatchName(t *testing.T) {
	for _, tc := range []struct {
		name, keyed string
		want        []string // ids
	}{
		{"SurnameFirstTiesSortedByID", "9264", []string{"01A", "01B"}},
		{"MoreLettersResolveTie", "92643", []string{"01A"}},
		{"WholeSpelling", "92643264", []string{"01A"}},
		{"GivenNameFirst", "3264", []string{"01A"}},
		{"GivenNameFirstThenSurname", "32649", []string{"01A"}},
		{"PrefixOfSeveralSurnames", "9", []string{"01A", "01B", "01C"}},
		{"ShortName", "5462", []string{"01D"}},
		{"GivenNameOfShortName", "6254", []string{"01D"}},
		{"InactiveIgnored", "9264934", nil},
		{"NoSuchName", "7777", nil},
		{"KeysWithoutLettersMatchNobody", "0", nil},
		{"StarMatchesNobody", "9*", nil},
		{"LongerThanAnySpelling", "926432649", nil},
		{"NothingKeyed", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range routing.MatchName(directory, tc.keyed) {
				got = append(got, s.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("MatchName(%q) (-want +got):\n%s", tc.keyed, diff)
			}
		})
	}
}

// By name, one match goes exactly where the same person asked for by
// extension would; none or several go to the desk with the reason.
func TestDecideByName(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	desk := record.Staff{ID: "01Z", Name: "服務台", Extension: "2000", Endpoint: "PJSIP/2000", Department: "desk", Role: record.RoleAgent, Active: true}
	free := func(s record.Staff) routing.Candidate { return routing.Candidate{Staff: s, Available: true} }
	inMeeting := routing.Candidate{Staff: wangFang}
	onCall := routing.Candidate{Staff: wangFang, Available: true, Busy: true}
	var r routing.Router
	for _, tc := range []struct {
		name      string
		keyed     string
		fang      routing.Candidate
		kind      routing.TargetKind
		staffID   string
		requested string
		rule      string
		reason    []string
	}{
		{"OneMatchFree", "92643", free(wangFang), routing.TargetPerson, wangFang.ID, "", routing.RuleName,
			[]string{"asked for 王芳 by name (keyed 92643)", "王芳 is free"}},
		{"OneMatchInAMeeting", "3264", inMeeting, routing.TargetDesk, desk.ID, wangFang.ID, routing.RulePresence,
			[]string{"asked for 王芳 by name (keyed 3264)", "away from the desk"}},
		{"OneMatchOnAnotherCall", "92643", onCall, routing.TargetDesk, desk.ID, wangFang.ID, routing.RulePresence,
			[]string{"on another call"}},
		{"SeveralMatch", "9264", free(wangFang), routing.TargetDesk, desk.ID, "", routing.RuleAmbiguousName,
			[]string{"2 people match", "王芳 (2001)", "王強 (2002)"}},
		{"NoneMatch", "7777", free(wangFang), routing.TargetDesk, desk.ID, "", routing.RuleUnknownName,
			[]string{`keyed "7777"`, "no one's spelling matches"}},
		{"NothingKeyed", "", free(wangFang), routing.TargetDesk, desk.ID, "", routing.RuleUnknownName,
			[]string{`keyed ""`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			staff := []routing.Candidate{free(desk), tc.fang, free(wangQiang), free(zhangWei), free(leftWang)}
			d := r.Decide(routing.RouteRequest{Now: now, Intent: record.IntentPerson, ByName: true, NameKeys: tc.keyed, Staff: staff})
			got := func(s *record.Staff) string {
				if s == nil {
					return ""
				}
				return s.ID
			}
			if d.Kind != tc.kind || d.Rule != tc.rule || got(d.Staff) != tc.staffID || got(d.Requested) != tc.requested {
				t.Fatalf("decision %s/%s staff %q requested %q (%s), want %s/%s staff %q requested %q",
					d.Kind, d.Rule, got(d.Staff), got(d.Requested), d.Reason, tc.kind, tc.rule, tc.staffID, tc.requested)
			}
			for _, w := range tc.reason {
				if !strings.Contains(d.Reason, w) {
					t.Errorf("reason %q lacks %q", d.Reason, w)
				}
			}
			if tc.rule == routing.RuleName || tc.rule == routing.RulePresence {
				// The same person asked for by extension: the same decision but the rule.
				byExt := r.Decide(routing.RouteRequest{Now: now, Intent: record.IntentPerson, Extension: wangFang.Extension, Staff: staff})
				if byExt.Kind != d.Kind || got(byExt.Staff) != got(d.Staff) || got(byExt.Requested) != got(d.Requested) {
					t.Fatalf("by extension: %s staff %q requested %q; by name: %s staff %q requested %q",
						byExt.Kind, got(byExt.Staff), got(byExt.Requested), d.Kind, got(d.Staff), got(d.Requested))
				}
			}
		})
	}
}

// FuzzMatchName: whoever is matched is active, has a spelling, and keyed
// either way round it starts with the keys; an active person whose whole
// spelling starts with the keys is never missed.
func FuzzMatchName(f *testing.F) {
	for _, s := range []struct{ spelling, keyed string }{
		{"wang fang", "9264"}, {"wang fang", "3264"}, {"li na", "5462"}, {"", "9"}, {"zhang wei", "0"}, {"ab", "2*"},
	} {
		f.Add(s.spelling, s.keyed, true)
	}
	f.Fuzz(func(t *testing.T, spelling, keyed string, active bool) {
		s := record.Staff{ID: "01A", Spelling: spelling, Active: active}
		got := routing.MatchName([]record.Staff{s}, keyed)
		whole := routing.KeypadDigits(spelling)
		words := strings.Fields(spelling)
		rotated := whole
		if len(words) > 1 {
			rotated = routing.KeypadDigits(strings.Join(append(words[1:], words[0]), ""))
		}
		want := active && keyed != "" && (strings.HasPrefix(whole, keyed) || strings.HasPrefix(rotated, keyed))
		if (len(got) == 1) != want || len(got) > 1 {
			t.Fatalf("MatchName(%q, %q, active %v) = %d people, want match %v", spelling, keyed, active, len(got), want)
		}
	})
}
