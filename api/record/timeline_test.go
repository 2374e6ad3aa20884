package record_test

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/record"
)

// TestTimelineRegistry: each declared type once, named in snake case, with
// a one-line meaning and a payload that decodes into its own type.
func TestTimelineRegistry(t *testing.T) {
	t.Parallel()
	snake := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	seen := map[record.EventType]bool{}
	for _, i := range record.Timeline() {
		typ := i.Type()
		if seen[typ] {
			t.Errorf("%s declared twice", typ)
		}
		seen[typ] = true
		if !snake.MatchString(string(typ)) {
			t.Errorf("%q is not snake case", typ)
		}
		if i.Meaning == "" || strings.Contains(i.Meaning, "\n") {
			t.Errorf("%s: meaning %q must be one line", typ, i.Meaning)
		}
		if got, ok := record.LookupEvent(typ); !ok || got.Type() != typ {
			t.Errorf("LookupEvent(%s) = %v, %v", typ, got, ok)
		}
		p := i.New()
		if reflect.TypeOf(p).Elem() != reflect.TypeOf(i.Data) || p.EventType() != typ {
			t.Errorf("%s: New() = %T", typ, p)
		}
	}
}

// TestTimelineDeclaresEveryPayload reads the package's source: every
// EventType constant and every type with an EventType method (a payload
// the engine can write) is in the registry, so the OpenAPI document and
// the reference, which are checked against the registry, miss none.
func TestTimelineDeclaresEveryPayload(t *testing.T) {
	t.Parallel()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	consts, payloads := map[string]bool{}, map[string]bool{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					v, ok := s.(*ast.ValueSpec)
					if !ok || d.Tok != token.CONST || len(v.Values) != 1 {
						continue
					}
					if id, ok := v.Type.(*ast.Ident); ok && id.Name == "EventType" {
						lit, _ := v.Values[0].(*ast.BasicLit)
						if lit == nil {
							t.Errorf("constant %s is not a literal", v.Names[0].Name)
							continue
						}
						s, _ := strconv.Unquote(lit.Value)
						consts[s] = true
					}
				}
			case *ast.FuncDecl:
				if d.Recv != nil && d.Name.Name == "EventType" {
					payloads[d.Recv.List[0].Type.(*ast.Ident).Name] = true
				}
			}
		}
	}
	registered := map[string]bool{}
	for _, i := range record.Timeline() {
		name := reflect.TypeOf(i.Data).Name()
		registered[name] = true
		if !payloads[name] {
			t.Errorf("registered payload %s has no EventType method in the source", name)
		}
		if !consts[string(i.Type())] {
			t.Errorf("registered type %s is not a constant", i.Type())
		}
		delete(consts, string(i.Type()))
	}
	for name := range payloads {
		if !registered[name] {
			t.Errorf("payload %s is not in the registry (timeline in timeline.go)", name)
		}
	}
	for c := range consts {
		t.Errorf("constant %q has no registered payload", c)
	}
	if len(payloads) < 40 {
		t.Errorf("found only %d payloads in the source: is the parser looking at the right files?", len(payloads))
	}
}

func ptr[T any](v T) *T { return &v }

// TestPayloadsKeepTheStoredShape: each payload encodes to exactly the
// object the engine wrote as a map before the payloads were declared
// (stored events and clients depend on the keys, and on which keys are
// left out when).
func TestPayloadsKeepTheStoredShape(t *testing.T) {
	t.Parallel()
	cc := record.CallContext{CallID: "c1", Intent: record.IntentOrder, Attempts: 1}
	for _, tc := range []struct {
		name string
		data record.EventData
		old  map[string]any // as the engine built it
	}{
		{"Arrived", record.ArrivedData{CallerNumber: "+8613800138000", Dialed: "100"},
			map[string]any{"caller_number": "+8613800138000", "dialed": "100"}},
		{"Ringing", record.RingingData{}, nil},
		{"Answered", record.AnsweredData{RingsToAnswer: 1, AnswerMS: 0},
			map[string]any{"rings_to_answer": 1, "answer_ms": 0}},
		{"CustomerIdentified", record.CustomerIdentifiedData{CustomerID: "k1"},
			map[string]any{"customer_id": "k1", "vip": false}},
		{"GreetedPlain", record.GreetedData{Form: "hello"}, map[string]any{"form": "hello", "named": false}},
		{"GreetedHoliday", record.GreetedData{Form: "happy_new_year", Named: true, Holiday: "spring", Text: "您好"},
			map[string]any{"form": "happy_new_year", "named": true, "holiday": "spring", "text": "您好"}},
		{"MenuChoiceDigit", record.MenuChoiceData{Intent: "order", Attempt: 1, Digit: "1"},
			map[string]any{"intent": "order", "attempt": 1, "digit": "1"}},
		{"MenuChoiceExtension", record.MenuChoiceData{Intent: "person", Attempt: 2, Digit: "4", By: "extension", Extension: "2001"},
			map[string]any{"intent": "person", "attempt": 2, "digit": "4", "by": "extension", "extension": "2001"}},
		{"MenuChoiceNameNothingKeyed", record.MenuChoiceData{Intent: "person", Attempt: 1, Digit: "5", By: "name", Keyed: ptr("")},
			map[string]any{"intent": "person", "attempt": 1, "digit": "5", "by": "name", "keyed": ""}},
		{"MenuChoiceFallback", record.MenuChoiceData{Intent: "desk", Attempt: 4, Fallback: true},
			map[string]any{"intent": "desk", "attempt": 4, "fallback": true}},
		{"MenuFallback", record.MenuFallbackData{Inputs: []string{"", "7", ""}},
			map[string]any{"inputs": []string{"", "7", ""}}},
		{"NameLookup", record.NameLookupData{Keyed: "", Matches: 0, Attempt: 1},
			map[string]any{"keyed": "", "matches": 0, "attempt": 1}},
		{"RoutedDesk", record.RoutedData{Rule: "fallback", Reason: "r", Target: "desk", Department: "desk"},
			map[string]any{"rule": "fallback", "reason": "r", "target": "desk", "department": "desk"}},
		{"RoutedAfterHours", record.RoutedData{Rule: "after_hours", Reason: "", Target: "after_hours"},
			map[string]any{"rule": "after_hours", "reason": "", "target": "after_hours"}},
		{"RoutedColleague", record.RoutedData{Rule: "away:colleague", Reason: "r", Target: "person", Department: "sales", StaffID: "s2", RequestedStaffID: "s1"},
			map[string]any{"rule": "away:colleague", "reason": "r", "target": "person", "department": "sales", "staff_id": "s2", "requested_staff_id": "s1"}},
		{"SupervisorNotice", record.SupervisorNoticeData{Kind: "general_manager_request", Text: "t"},
			map[string]any{"kind": "general_manager_request", "text": "t"}},
		{"RecordingStarted", record.RecordingStartedData{Recording: "r", Intent: "complaint"},
			map[string]any{"recording": "r", "intent": "complaint"}},
		{"RecordingKeptHangup", record.RecordingKeptData{Recording: "r", Intent: "complaint", Ended: "caller_hung_up"},
			map[string]any{"recording": "r", "intent": "complaint", "ended": "caller_hung_up"}},
		{"RecordingKeptShort", record.RecordingKeptData{Recording: "r", Intent: "suggestion", DurationS: ptr(0)},
			map[string]any{"recording": "r", "intent": "suggestion", "duration_s": 0}},
		{"RecordingFailed", record.RecordingFailedData{Recording: "r", Cause: ""},
			map[string]any{"recording": "r", "cause": ""}},
		{"TransferNext", record.TransferNextData{Attempt: 2, Department: "", StaffID: "s2", Rule: "desk_fallback"},
			map[string]any{"attempt": 2, "department": "", "staff_id": "s2", "rule": "desk_fallback"}},
		{"RingingStaff", record.RingingStaffData{Endpoint: "PJSIP/2001", Attempt: 1, Summary: "s", Context: &cc},
			map[string]any{"endpoint": "PJSIP/2001", "attempt": 1, "summary": "s", "context": cc}},
		{"RingingStaffTransfer", record.RingingStaffData{Endpoint: "PJSIP/2002", Attempt: 2, Summary: "s", Context: &cc, FromStaffID: "s1"},
			map[string]any{"endpoint": "PJSIP/2002", "attempt": 2, "summary": "s", "context": cc, "from_staff_id": "s1"}},
		{"RingingStaffAttended", record.RingingStaffData{Endpoint: "PJSIP/2002", Attempt: 2, Summary: "s", FromStaffID: "s1", Mode: record.TransferAttended},
			map[string]any{"endpoint": "PJSIP/2002", "attempt": 2, "summary": "s", "from_staff_id": "s1", "mode": "attended"}},
		{"StaffAnswered", record.StaffAnsweredData{}, nil},
		{"StaffAnsweredAttended", record.StaffAnsweredData{Mode: record.TransferAttended}, map[string]any{"mode": "attended"}},
		{"WhisperPlayedInstant", record.WhisperPlayedData{WhisperMS: ptr(int64(0))}, map[string]any{"whisper_ms": 0}},
		{"WhisperPlayedAttended", record.WhisperPlayedData{Mode: record.TransferAttended}, map[string]any{"mode": "attended"}},
		{"Connected", record.ConnectedData{StaffID: "s1", Extension: "2001", Bridge: "b", AnswerToBridgeUS: ptr(int64(0)), Chain: []string{"s1"}},
			map[string]any{"staff_id": "s1", "extension": "2001", "bridge": "b", "answer_to_bridge_us": 0, "chain": []string{"s1"}}},
		{"ConnectedAttended", record.ConnectedData{StaffID: "s2", Extension: "2002", Bridge: "b", Chain: []string{"s1", "s2"}},
			map[string]any{"staff_id": "s2", "extension": "2002", "bridge": "b", "chain": []string{"s1", "s2"}}},
		{"StaffNoAnswer", record.StaffNoAnswerData{Reason: "no_answer", Attempt: 1},
			map[string]any{"reason": "no_answer", "attempt": 1}},
		{"StaffNoAnswerAttended", record.StaffNoAnswerData{Reason: "BUSY", Attempt: 2, Mode: record.TransferAttended},
			map[string]any{"reason": "BUSY", "attempt": 2, "mode": "attended"}},
		{"TransferAbandoned", record.TransferAbandonedData{StaffID: "s1", During: "ringing"},
			map[string]any{"staff_id": "s1", "during": "ringing"}},
		{"StaffLeft", record.StaffLeftData{}, nil},
		{"StaffLeftTransferred", record.StaffLeftData{TransferredTo: "s2"}, map[string]any{"transferred_to": "s2"}},
		{"StaffLeftToAway", record.StaffLeftData{TransferredTo: "s2", Away: true}, map[string]any{"transferred_to": "s2", "away": true}},
		{"NoteAdded", record.NoteAddedData{Text: "n"}, map[string]any{"text": "n"}},
		{"NoteAddedToStoredCall", record.NoteAddedData{Text: "n", Live: ptr(false)}, map[string]any{"text": "n", "live": false}},
		{"TransferRequested", record.TransferRequestedData{Mode: "blind", FromStaffID: "s1", ToStaffID: "s2"},
			map[string]any{"mode": "blind", "from_staff_id": "s1", "to_staff_id": "s2"}},
		{"TransferRequestedBySupervisor", record.TransferRequestedData{Mode: "attended", FromStaffID: "s1", ToStaffID: "s2", Department: "sales", By: "supervisor"},
			map[string]any{"mode": "attended", "from_staff_id": "s1", "to_staff_id": "s2", "department": "sales", "by": "supervisor"}},
		{"TransferRequestedAway", record.TransferRequestedData{Mode: "blind", FromStaffID: "s1", ToStaffID: "s2", Away: "in a meeting"},
			map[string]any{"mode": "blind", "from_staff_id": "s1", "to_staff_id": "s2", "away": "in a meeting"}},
		{"TransferRefused", record.TransferRefusedData{Mode: "complete", Error: "e"}, map[string]any{"mode": "complete", "error": "e"}},
		{"ConsultStarted", record.ConsultStartedData{FromStaffID: "s1", ToStaffID: "s2"},
			map[string]any{"from_staff_id": "s1", "to_staff_id": "s2"}},
		{"ConsultConnected", record.ConsultConnectedData{FromStaffID: "s1", Bridge: "b"},
			map[string]any{"from_staff_id": "s1", "bridge": "b"}},
		{"ConsultAbandoned", record.ConsultAbandonedData{ToStaffID: "s2"}, map[string]any{"to_staff_id": "s2"}},
		{"TransferCancelledAgentGone", record.TransferCancelledData{Reason: "no_answer", ToStaffID: "s2"},
			map[string]any{"reason": "no_answer", "to_staff_id": "s2"}},
		{"TransferCancelled", record.TransferCancelledData{Reason: "cancelled", ToStaffID: "s2", Bridge: "b"},
			map[string]any{"reason": "cancelled", "to_staff_id": "s2", "bridge": "b"}},
		{"TransferCompleted", record.TransferCompletedData{FromStaffID: "s1", ToStaffID: "s2", Chain: []string{"s1", "s2"}, Bridge: "b"},
			map[string]any{"from_staff_id": "s1", "to_staff_id": "s2", "chain": []string{"s1", "s2"}, "bridge": "b"}},
		{"TransferCompletedOnHangup", record.TransferCompletedData{FromStaffID: "s1", ToStaffID: "s2", Chain: []string{"s1", "s2"}, Bridge: "b", Reason: "agent_hung_up"},
			map[string]any{"from_staff_id": "s1", "to_staff_id": "s2", "chain": []string{"s1", "s2"}, "bridge": "b", "reason": "agent_hung_up"}},
		{"Away", record.AwayData{StaffID: "s1", Status: "meeting", Reason: "presence meeting"},
			map[string]any{"staff_id": "s1", "status": "meeting", "reason": "presence meeting", "place_said": false, "back_said": false}},
		{"AwayOut", record.AwayData{StaffID: "s1", Status: "out", Reason: "r", PlaceSaid: true, BackSaid: true, Where: "Pudong", BackAt: "2026-11-27T08:00:00Z"},
			map[string]any{"staff_id": "s1", "status": "out", "reason": "r", "place_said": true, "back_said": true, "where": "Pudong", "back_at": "2026-11-27T08:00:00Z"}},
		{"AwayChoiceNone", record.AwayChoiceData{Digit: "", Attempt: 1}, map[string]any{"digit": "", "attempt": 1}},
		{"AwayNoColleague", record.AwayNoColleagueData{Department: "sales"}, map[string]any{"department": "sales"}},
		{"UrgentRequested", record.UrgentRequestedData{StaffID: "s1", Status: "meeting", TimeoutS: 60},
			map[string]any{"staff_id": "s1", "status": "meeting", "timeout_s": 60}},
		{"UrgentAccepted", record.UrgentAcceptedData{StaffID: "s1"}, map[string]any{"staff_id": "s1"}},
		{"UrgentDeclined", record.UrgentDeclinedData{StaffID: "s1"}, map[string]any{"staff_id": "s1"}},
		{"UrgentTimeout", record.UrgentTimeoutData{StaffID: "s1"}, map[string]any{"staff_id": "s1"}},
		{"UrgentUnavailable", record.UrgentUnavailableData{Reason: "held by another call"}, map[string]any{"reason": "held by another call"}},
		{"MessageRecording", record.MessageRecordingData{Recording: "m", Take: 1}, map[string]any{"recording": "m", "take": 1}},
		{"MessageRerecord", record.MessageRerecordData{Recording: "m", Take: 1}, map[string]any{"recording": "m", "take": 1}},
		{"MessageCancelled", record.MessageCancelledData{Recording: "m", Take: 2}, map[string]any{"recording": "m", "take": 2}},
		{"MessageTaken", record.MessageTakenData{MessageID: "m1", ForStaffID: "s1", Recording: "m", DurationMS: 0, Partial: true, CallbackNumber: "", Ended: "hung_up_recording"},
			map[string]any{"message_id": "m1", "for_staff_id": "s1", "recording": "m", "duration_ms": 0, "partial": true, "callback_number": "", "ended": "hung_up_recording"}},
		{"CallbackRequested", record.CallbackRequestedData{StaffID: "s1", PromisedAt: "2026-11-27T08:30:00Z", CallbackNumber: "+8613800138000", Why: "no_choice"},
			map[string]any{"staff_id": "s1", "promised_at": "2026-11-27T08:30:00Z", "callback_number": "+8613800138000", "why": "no_choice"}},
		{"CallbackPromised", record.CallbackPromisedData{Rule: ""}, map[string]any{"rule": ""}},
		{"AnythingElseNone", record.AnythingElseData{}, map[string]any{"answer": ""}},
		{"Error", record.ErrorData{Error: "internal error"}, map[string]any{"error": "internal error"}},
		{"ChannelLost", record.ChannelLostData{}, nil},
		{"Shutdown", record.ShutdownData{}, nil},
		{"Ended", record.EndedData{By: "caller"}, map[string]any{"by": "caller"}},
		{"Outcome", record.OutcomeData{Outcome: record.OutcomeConnected}, map[string]any{"outcome": "connected"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := record.EncodeEventData(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			var want json.RawMessage
			if len(tc.old) > 0 { // the engine wrote no data for an empty map
				if want, err = json.Marshal(tc.old); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(decode(t, want), decode(t, got)); diff != "" {
				t.Errorf("encoded differently (-old +typed):\n%s", diff)
			}
			back, err := record.DecodeEventData(tc.data.EventType(), got)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if diff := cmp.Diff(tc.data, reflect.ValueOf(back).Elem().Interface()); diff != "" {
				t.Errorf("round trip (-sent +decoded):\n%s", diff)
			}
		})
	}
}

func decode(t *testing.T, b json.RawMessage) any {
	t.Helper()
	if b == nil {
		return nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDecodeEventDataRefuses(t *testing.T) {
	t.Parallel()
	if _, err := record.DecodeEventData("no_such_type", nil); !errors.Is(err, record.ErrUnknownEventType) {
		t.Errorf("an undeclared type: %v, want ErrUnknownEventType", err)
	}
	for name, data := range map[string]string{
		"UnknownField": `{"text":"n","k":1}`,
		"WrongType":    `{"text":1}`,
		"NotAnObject":  `[1]`,
	} {
		if _, err := record.DecodeEventData(record.EventNoteAdded, json.RawMessage(data)); err == nil {
			t.Errorf("%s: %s decoded as note_added", name, data)
		}
	}
	p, err := record.DecodeEventData(record.EventShutdown, nil)
	if err != nil || p.EventType() != record.EventShutdown {
		t.Errorf("no data: %v, %v", p, err)
	}
}
