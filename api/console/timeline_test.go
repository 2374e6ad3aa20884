package console

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"callsvc/api/record"
)

func TestEveryEventTypeReadsAsASentence(t *testing.T) {
	// The registry is the engine's vocabulary: a declared type without a
	// sentence fails here.
	for _, info := range record.Timeline() {
		typ := string(info.Type())
		s, ok := sentences[typ]
		if !ok {
			t.Errorf("no sentence for %q", typ)
			continue
		}
		for i, p := range s {
			if strings.TrimSpace(p) == "" || strings.Count(p, "{") != strings.Count(p, "}") {
				t.Errorf("%s: sentence %d %q is empty or unbalanced", typ, i, p)
			}
		}
	}
}

func TestSentencesNamePeopleAndValues(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	names := map[string]string{"s1": "王芳", "s2": "李明"}
	rd := reader{lang: langZH, loc: loc, name: func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}}
	ev := func(typ, staff string, data map[string]any) record.Event {
		b, _ := json.Marshal(data)
		return record.Event{Type: record.EventType(typ), StaffID: staff, Data: b, At: time.Date(2026, 11, 27, 1, 2, 13, 0, time.UTC)}
	}
	for _, tc := range []struct {
		e    record.Event
		want string
	}{
		{ev("routed", "s1", map[string]any{"rule": "intent:order", "reason": "sales is free", "staff_id": "s1", "department": "sales"}), "轉給 王芳（依來意：訂購）"},
		{ev("routed", "", map[string]any{"rule": "presence", "department": "desk"}), "轉給 desk（對方不在或忙線，由服務台處理）"},
		{ev("transfer_requested", "s1", map[string]any{"mode": "attended", "from_staff_id": "s1", "to_staff_id": "s2"}), "王芳 要求協商轉接給 李明"},
		{ev("menu_choice", "", map[string]any{"intent": "complaint", "digit": "2"}), "來電者選擇「投訴」"},
		{ev("answered", "", map[string]any{"rings_to_answer": 1, "answer_ms": 35}), "系統在第 1 聲鈴響接聽（35 毫秒）"},
		{ev("callback_requested", "s2", map[string]any{"staff_id": "s2", "promised_at": "2026-11-27T06:30:00Z", "callback_number": "+8613800138000"}), "約定由 李明 在 11-27 14:30 回電 +8613800138000"},
		{ev("note_added", "s1", map[string]any{"text": "要發票"}), "王芳 加入備註：「要發票」"},
		{ev("something_new", "", nil), "something new"},
	} {
		if got := rd.sentence(tc.e).Text; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.e.Type, got, tc.want)
		}
	}
	if l := rd.sentence(ev("recording_kept", "", map[string]any{"recording": "rec-1", "intent": "complaint"})); l.Clip != "rec-1" || l.Text != "保存來電者的投訴錄音" {
		t.Errorf("recording_kept: %+v", l)
	}
	en := reader{lang: langEN, loc: loc, name: rd.name}
	if got := en.sentence(ev("connected", "s2", map[string]any{"staff_id": "s2"})).Text; got != "The caller was put through to 李明" {
		t.Errorf("English: %q", got)
	}
}

// TestBoardFollowsTheCall: the stage of a live call follows its timeline;
// its end removes it and a late event does not bring it back.
func TestBoardFollowsTheCall(t *testing.T) {
	b := NewBoard()
	t0 := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	step := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Second) }
	b.Call(record.Call{ID: "c1", CallerNumber: "+8613800138000", ArrivedAt: t0, UpdatedAt: t0})
	stage := func() (string, string) {
		calls := b.LiveCalls()
		if len(calls) != 1 {
			return "", ""
		}
		return calls[0].Stage, calls[0].StaffID
	}
	for i, tc := range []struct {
		typ, staff, stage, with string
	}{
		{"arrived", "", StageMenu, ""},
		{"menu_choice", "", StageMenu, ""},
		{"ringing_staff", "s1", StageWaiting, "s1"},
		{"connected", "s1", StageTalking, "s1"},
		{"consult_started", "s2", StageHold, "s2"},
		{"ringing_staff", "s2", StageHold, "s2"},
		{"consult_abandoned", "s1", StageTalking, "s2"},
		{"staff_left", "s1", StageMenu, ""},
		{"urgent_requested", "s2", StageHold, "s2"},
		{"urgent_declined", "s2", StageMenu, "s2"},
	} {
		b.Event(record.Event{CallID: "c1", Type: record.EventType(tc.typ), StaffID: tc.staff, At: step(i)})
		if st, with := stage(); st != tc.stage || with != tc.with {
			t.Errorf("after %s: stage %q with %q, want %q with %q", tc.typ, st, with, tc.stage, tc.with)
		}
	}
	select {
	case <-b.Changed():
	default:
		t.Error("no change signalled")
	}
	end := step(20)
	b.Call(record.Call{ID: "c1", ArrivedAt: t0, EndedAt: &end, UpdatedAt: end})
	b.Event(record.Event{CallID: "c1", Type: "outcome", At: end})
	if calls := b.LiveCalls(); len(calls) != 0 {
		t.Errorf("after the end: %+v", calls)
	}
	if !b.LastChange().Equal(end) {
		t.Errorf("last change %v, want %v", b.LastChange(), end)
	}
}
