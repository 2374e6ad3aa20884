package api_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	gocmp "github.com/google/go-cmp/cmp"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// TestTimelineIsInTheDocument walks the registry: every type the engine
// can write is in the Event union with the registry's meaning, its data
// schema has exactly the payload's fields with their JSON types, and a
// payload with every field set validates, while one with a stray field or
// an undeclared type does not.
func TestTimelineIsInTheDocument(t *testing.T) {
	t.Parallel()
	doc, err := api.OpenAPI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	union := doc.Components.Schemas["Event"].Value
	if union.Discriminator == nil || union.Discriminator.PropertyName != "type" {
		t.Fatal("Event is not a union discriminated by type")
	}
	mapping := union.Discriminator.Mapping
	declared := record.Timeline()
	if len(mapping) != len(declared) || len(union.OneOf) != len(declared) {
		t.Errorf("the document maps %d types in %d schemas; the registry declares %d", len(mapping), len(union.OneOf), len(declared))
	}
	for _, info := range declared {
		typ := string(info.Type())
		m, ok := mapping[typ]
		if !ok {
			t.Errorf("%s: not in the Event discriminator's mapping", typ)
			continue
		}
		i := slices.IndexFunc(union.OneOf, func(r *openapi3.SchemaRef) bool { return r.Ref == m.Ref })
		if i < 0 {
			t.Errorf("%s: %s is not one of Event's schemas", typ, m.Ref)
			continue
		}
		ev := union.OneOf[i].Value
		if ev.Description != info.Meaning {
			t.Errorf("%s: the document says %q, the registry %q", typ, ev.Description, info.Meaning)
		}
		if len(ev.AllOf) != 2 || ev.AllOf[0].Ref != "#/components/schemas/EventBase" {
			t.Errorf("%s: want allOf [EventBase, {type, data}]", typ)
			continue
		}
		own := ev.AllOf[1].Value.Properties
		if own["type"] == nil || !slices.Equal(own["type"].Value.Enum, []any{typ}) {
			t.Errorf("%s: its schema does not fix type to %q", typ, typ)
		}
		if own["data"] == nil {
			t.Errorf("%s: its schema does not describe data", typ)
			continue
		}
		data := reflect.New(reflect.TypeOf(info.Data)).Elem()
		fill(t, typ, data, own["data"].Value)
		e := record.Event{ID: idAt(t0, 1), CallID: idAt(t0, 2), At: t0, Type: info.Type(), StaffID: "s1"}
		if e.Data, err = record.EncodeEventData(data.Interface().(record.EventData)); err != nil {
			t.Fatal(err)
		}
		if err := apitest.CheckEvent(e); err != nil {
			t.Errorf("%s: a full payload does not validate: %v", typ, err)
		}
		e.Data = stray(t, e.Data)
		if err := apitest.CheckEvent(e); err == nil {
			t.Errorf("%s: a payload with a stray field validates", typ)
		}
	}
	if err := apitest.CheckEvent(record.Event{ID: idAt(t0, 1), At: t0, Type: "step"}); err == nil {
		t.Error("an undeclared type validates")
	}
}

// fill sets every field of the payload v to a value its schema s allows
// (an enum's first value, a date-time, else something non-zero), after
// checking the field is in the schema with its JSON type, and that the
// schema has no field the payload lacks.
func fill(t *testing.T, at string, v reflect.Value, s *openapi3.Schema) {
	t.Helper()
	if v.Kind() == reflect.Pointer {
		v.Set(reflect.New(v.Type().Elem()))
		v = v.Elem()
	}
	want := map[reflect.Kind]string{reflect.String: "string", reflect.Int: "integer", reflect.Int64: "integer",
		reflect.Bool: "boolean", reflect.Slice: "array", reflect.Struct: "object"}[v.Kind()]
	if !s.Type.Is(want) {
		t.Errorf("%s: the document says %v, the payload has a %s (%s)", at, s.Type.Slice(), want, v.Type())
		return
	}
	switch v.Kind() {
	case reflect.String:
		switch {
		case len(s.Enum) > 0:
			v.SetString(s.Enum[0].(string))
		case s.Format == "date-time":
			v.SetString("2026-11-23T06:00:00Z")
		default:
			v.SetString("x")
		}
	case reflect.Int, reflect.Int64:
		v.SetInt(2)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, at+"[0]", v.Index(0), s.Items.Value)
	case reflect.Struct:
		fields := map[string]bool{}
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			fields[name] = true
			p := s.Properties[name]
			if p == nil {
				t.Errorf("%s: the payload's %s is not in the document", at, name)
				continue
			}
			fill(t, at+"."+name, v.Field(i), p.Value)
		}
		for name := range s.Properties {
			if !fields[name] {
				t.Errorf("%s: the document has %s, the payload does not", at, name)
			}
		}
		if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
			t.Errorf("%s: the schema allows fields it does not list", at)
		}
	}
}

// stray adds a field no payload has.
func stray(t *testing.T, data json.RawMessage) json.RawMessage {
	t.Helper()
	m := map[string]any{}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
	}
	m["no_such_field"] = 1
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// storedTimeline is one event of each type as engines (and the notes
// endpoint) have stored them, with the earlier shapes of payloads that
// gained fields since: rows in these shapes are in databases today.
var storedTimeline = []struct {
	typ  string
	data string // as stored; "" for none ('{}')
}{
	{"arrived", `{"caller_number":"+8613800138000","dialed":"100"}`},
	{"ringing", ``},
	{"answered", `{"rings_to_answer":1,"answer_ms":4012}`},
	{"customer_identified", `{"customer_id":"k1","vip":true}`},
	{"greeted", `{"form":"good_morning","named":true,"text":"張先生, 早上好"}`},
	{"greeted", `{"form":"happy_new_year","named":false,"holiday":"spring_festival"}`},
	{"menu_choice", `{"intent":"person","attempt":1,"digit":"5","by":"name","keyed":""}`},
	{"menu_choice", `{"intent":"person","attempt":2,"digit":"4","by":"extension","extension":"2001"}`},
	{"menu_choice", `{"intent":"desk","attempt":4,"fallback":true}`},
	{"menu_fallback", `{"inputs":["","9",""]}`},
	{"name_lookup", `{"keyed":"926","matches":2,"attempt":1}`},
	{"routed", `{"rule":"name:ambiguous","reason":"several match","target":"desk","department":"desk","staff_id":"s9"}`},
	{"routed", `{"rule":"business_hours","reason":"closed","target":"after_hours"}`},
	{"supervisor_notice", `{"kind":"general_manager_request","text":"caller +8613800138000 asked for the general manager"}`},
	{"recording_started", `{"recording":"callsvc-c-complaint-1","intent":"complaint"}`},
	{"recording_kept", `{"recording":"callsvc-c-complaint-1","intent":"complaint","duration_s":42}`},
	{"recording_kept", `{"recording":"callsvc-c-suggestion-2","intent":"suggestion","ended":"caller_hung_up"}`},
	{"recording_failed", `{"recording":"callsvc-c-complaint-1","cause":"no space"}`},
	{"transfer_next", `{"attempt":2,"department":"sales","staff_id":"s2"}`}, // before rule
	{"transfer_next", `{"attempt":3,"department":"desk","staff_id":"s9","rule":"desk_fallback"}`},
	{"ringing_staff", `{"endpoint":"PJSIP/2001"}`}, // the first engines'
	{"ringing_staff", `{"endpoint":"PJSIP/2001","attempt":1,"summary":"訂單, 張先生"}`},
	{"ringing_staff", `{"endpoint":"PJSIP/2001","attempt":1,"summary":"訂單","context":{"call_id":"c1","intent":"order","menu_path":["order"],"attempts":1}}`},
	{"ringing_staff", `{"endpoint":"PJSIP/2002","attempt":2,"summary":"訂單","from_staff_id":"s1","mode":"attended"}`},
	{"staff_answered", ``},
	{"staff_answered", `{"mode":"attended"}`},
	{"whisper_played", `{"whisper_ms":2300}`},
	{"whisper_played", `{"mode":"attended"}`},
	{"connected", `{"staff_id":"s1","extension":"2001","bridge":"b1"}`}, // the first engines'
	{"connected", `{"staff_id":"s1","extension":"2001","bridge":"b1","bridge_ms":3,"chain":["s1"]}`},
	{"connected", `{"staff_id":"s1","extension":"2001","bridge":"b1","answer_to_bridge_us":850,"chain":["s1"]}`},
	{"staff_no_answer", `{"reason":"no_answer"}`}, // before attempt
	{"staff_no_answer", `{"reason":"BUSY","attempt":2,"mode":"attended"}`},
	{"transfer_abandoned", `{"staff_id":"s1","during":"ringing"}`},
	{"staff_left", ``},
	{"staff_left", `{"transferred_to":"s2","away":true}`},
	{"note_added", `{"text":"回電: 明天上午"}`},
	{"note_added", `{"text":"已處理","live":false}`},
	{"transfer_requested", `{"mode":"attended","from_staff_id":"s1","to_staff_id":"s2","department":"sales","by":"supervisor"}`},
	{"transfer_requested", `{"mode":"blind","from_staff_id":"s1","to_staff_id":"s3","away":"in a meeting"}`},
	{"transfer_refused", `{"mode":"complete","error":"conflict: no attended transfer is in progress"}`},
	{"consult_started", `{"from_staff_id":"s1","to_staff_id":"s2"}`},
	{"consult_connected", `{"from_staff_id":"s1","bridge":"b2"}`},
	{"consult_abandoned", `{"to_staff_id":"s2"}`},
	{"transfer_cancelled", `{"reason":"cancelled","to_staff_id":"s2","bridge":"b3"}`},
	{"transfer_cancelled", `{"reason":"no_answer","to_staff_id":"s2"}`},
	{"transfer_completed", `{"from_staff_id":"s1","to_staff_id":"s2","chain":["s1","s2"],"bridge":"b4","reason":"agent_hung_up"}`},
	{"away", `{"staff_id":"s3","status":"out","reason":"presence out until back_at","place_said":true,"back_said":true,"where":"浦東","back_at":"2026-11-23T06:00:00Z"}`},
	{"away", `{"staff_id":"s3","status":"meeting","reason":"presence meeting","place_said":false,"back_said":false}`},
	{"away_choice", `{"digit":"","attempt":1}`},
	{"away_no_colleague", `{"department":"sales"}`},
	{"urgent_requested", `{"staff_id":"s3","status":"out","timeout_s":60}`},
	{"urgent_accepted", `{"staff_id":"s3"}`},
	{"urgent_declined", `{"staff_id":"s3"}`},
	{"urgent_timeout", `{"staff_id":"s3"}`},
	{"urgent_unavailable", `{"reason":"held by another call"}`},
	{"message_recording", `{"recording":"callsvc-m-1","take":1}`},
	{"message_rerecord", `{"recording":"callsvc-m-1","take":1}`},
	{"message_cancelled", `{"recording":"callsvc-m-2","take":2}`},
	{"message_taken", `{"message_id":"m1","for_staff_id":"s3","recording":"callsvc-m-1","duration_ms":8000,"partial":false,"callback_number":"+8613800138000","ended":"kept"}`},
	{"callback_requested", `{"staff_id":"s3","promised_at":"2026-11-23T06:30:00Z","callback_number":"+8613800138000","why":"caller_chose"}`},
	{"callback_promised", `{"rule":"presence"}`},
	{"anything_else", `{"answer":"1"}`},
	{"error", `{"error":"internal error"}`},
	{"channel_lost", ``},
	{"shutdown", ``},
	{"ended", `{"by":"caller"}`},
	{"outcome", `{"outcome":"message_taken"}`},
}

// TestStoredTimelinesReadBack: events stored before the vocabulary was
// declared, put in the database as rows, come back through GET
// /v1/calls/{id} unchanged and valid against the document (the client
// checks every response).
func TestStoredTimelinesReadBack(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	c := answeredCall(1, t0, 1)
	srv.Write(t, "/v1/calls", []record.Call{c})
	ctx := context.Background()
	covered := map[record.EventType]bool{}
	for i, row := range storedTimeline {
		data := cmp.Or(row.data, "{}")
		_, err := srv.Store.Pool().Exec(ctx, `INSERT INTO call_events (id, call_id, at, type, staff_id, data)
			VALUES ($1, $2, $3, $4, '', $5::jsonb)`, idAt(t0, 100+i), c.ID, t0.Add(time.Duration(i)*time.Second), row.typ, data)
		if err != nil {
			t.Fatal(err)
		}
		covered[record.EventType(row.typ)] = true
	}
	for _, info := range record.Timeline() {
		if !covered[info.Type()] {
			t.Errorf("no stored %s row: add one in its stored shape", info.Type())
		}
	}

	r := srv.Do(t, http.MethodGet, "/v1/calls/"+c.ID, record.RoleSupervisor, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET: %d %s", r.Status, r.Body)
	}
	var got api.CallWithEvents
	r.Decode(t, &got)
	if len(got.Events) != len(storedTimeline) {
		t.Fatalf("read %d events, stored %d", len(got.Events), len(storedTimeline))
	}
	for i, e := range got.Events {
		row := storedTimeline[i]
		if string(e.Type) != row.typ {
			t.Errorf("event %d: type %s, stored %s", i, e.Type, row.typ)
		}
		if diff := gocmp.Diff(jsonValue(t, row.data), jsonValue(t, string(e.Data))); diff != "" {
			t.Errorf("%s: data (-stored +read):\n%s", row.typ, diff)
		}
		if err := apitest.CheckEvent(e); err != nil {
			t.Error(err)
		}
		if _, err := record.DecodeEventData(e.Type, e.Data); err != nil {
			t.Errorf("%s %s does not decode as its payload: %v", row.typ, e.Data, err)
		}
	}

	// A replay of the same events (a spool written before the upgrade) is
	// accepted and changes nothing.
	wr := srv.Do(t, http.MethodPost, "/v1/events", record.RoleService, got.Events)
	var res api.WriteResult
	wr.Decode(t, &res)
	if wr.Status != http.StatusOK || res.Inserted == nil || *res.Inserted != 0 {
		t.Errorf("replaying the stored events: %d %s", wr.Status, wr.Body)
	}
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEventWritesAreCheckedAgainstTheDocument: a type the document does
// not list, or data that does not fit the type's schema, is a 400 naming
// the event, the field and the rule; nothing of the batch is stored.
func TestEventWritesAreCheckedAgainstTheDocument(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	c := answeredCall(1, t0, 1)
	srv.Write(t, "/v1/calls", []record.Call{c})
	good := event(c.ID, 1, t0, record.EventNoteAdded, record.NoteAddedData{Text: "ok"})
	for _, tc := range []struct {
		name string
		bad  record.Event
		want string
	}{
		{"UndeclaredType", event(c.ID, 2, t0, "anwsered", nil), `events[1].type: \"anwsered\" is not a timeline event type`},
		{"StrayField", event(c.ID, 2, t0, record.EventArrived, map[string]any{"caller": "+8613800138000"}),
			`events[1].data: property \"caller\" is unsupported (arrived data)`},
		{"WrongJSONType", event(c.ID, 2, t0, record.EventAnswered, map[string]any{"rings_to_answer": "one"}),
			`events[1].data.rings_to_answer: value must be an integer (answered data)`},
		{"BelowMinimum", event(c.ID, 2, t0, record.EventMessageRecording, record.MessageRecordingData{Recording: "m", Take: 0}),
			`events[1].data.take: number must be at least 1 (message_recording data)`},
		{"NotInEnum", event(c.ID, 2, t0, record.EventEnded, record.EndedData{By: "nobody"}),
			`events[1].data.by: value is not one of the allowed values`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(t, http.MethodPost, "/v1/calls/"+c.ID+"/events", record.RoleSupervisor, []record.Event{good, tc.bad})
			if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), tc.want) {
				t.Errorf("%d %s, want 400 with %s", r.Status, r.Body, tc.want)
			}
		})
	}
	var got api.CallWithEvents
	srv.Do(t, http.MethodGet, "/v1/calls/"+c.ID, record.RoleSupervisor, nil).Decode(t, &got)
	if len(got.Events) != 0 {
		t.Errorf("refused batches stored %d events", len(got.Events))
	}
}
