package console

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"callsvc/api/record"
)

// sentences read each timeline event type as a sentence, Chinese then
// English. {field} is the event's data field of that name, {staff} the
// person the event is about; fields naming a person show their name,
// intents, outcomes and statuses their label. A field an event lacks
// leaves its placeholder out, with the words around it.
var sentences = map[string][2]string{
	"arrived":             {"{caller_number} 來電（撥打 {dialed}）", "Call from {caller_number} (dialled {dialed})"},
	"ringing":             {"讓來電響鈴後再接聽（不超過三聲）", "Let it ring before answering (never past three rings)"},
	"answered":            {"系統在第 {rings_to_answer} 聲鈴響接聽（{answer_ms} 毫秒）", "Answered at ring {rings_to_answer} ({answer_ms} ms)"},
	"customer_identified": {"從客戶檔案認出來電者", "Recognised the caller from the customer file"},
	"greeted":             {"播放問候語", "Greeted the caller"},
	"menu_choice":         {"來電者選擇「{intent}」", "The caller chose {intent}"},
	"menu_fallback":       {"沒有有效的選擇，轉服務台", "No valid choice: on to the service desk"},
	"name_lookup":         {"依姓名按鍵 {keyed} 查找：{matches} 位符合", "Looked up the name keys {keyed}: {matches} matched"},
	"routed":              {"轉給 {target_name}（{rule}）", "Routed to {target_name} ({rule})"},
	"supervisor_notice":   {"已通知主管：{text}", "Told a supervisor: {text}"},
	"ringing_staff":       {"撥打 {staff} 的電話（第 {attempt} 次）", "Rang {staff} (attempt {attempt})"},
	"staff_answered":      {"{staff} 接起電話", "{staff} picked up"},
	"whisper_played":      {"先向 {staff} 簡報來電（來電者聽不到）", "Whispered the context to {staff} (the caller does not hear it)"},
	"connected":           {"來電者與 {staff} 接通", "The caller was put through to {staff}"},
	"staff_no_answer":     {"{staff} 沒有接聽（{reason}）", "{staff} did not answer ({reason})"},
	"transfer_next":       {"改撥下一位：{staff_id}", "Next person: {staff_id}"},
	"transfer_abandoned":  {"轉接給 {staff_id} 時來電者離開", "The caller left while being put through to {staff_id}"},
	"staff_left":          {"{staff} 離開通話", "{staff} left the call"},
	"transfer_requested":  {"{from_staff_id} 要求{mode}給 {to_staff_id}", "{from_staff_id} asked for a {mode} transfer to {to_staff_id}"},
	"transfer_refused":    {"轉接未能進行：{error}", "The transfer was refused: {error}"},
	"consult_started":     {"{from_staff_id} 先與 {to_staff_id} 協商，來電者保留等候", "{from_staff_id} consulted {to_staff_id}; the caller held"},
	"consult_connected":   {"{from_staff_id} 與 {staff} 正在協商", "{from_staff_id} and {staff} talked"},
	"consult_abandoned":   {"協商時 {to_staff_id} 掛斷，來電者回到 {staff}", "{to_staff_id} hung up during the consultation; the caller is back with {staff}"},
	"transfer_cancelled":  {"{staff} 取消轉接給 {to_staff_id}", "{staff} cancelled the transfer to {to_staff_id}"},
	"transfer_completed":  {"轉接完成：{from_staff_id} → {to_staff_id}", "Transfer completed: {from_staff_id} → {to_staff_id}"},
	"note_added":          {"{staff} 加入備註：「{text}」", "{staff} added a note: “{text}”"},
	"away":                {"{staff_id} 目前{status}，已告知來電者", "{staff_id} is {status}; the caller was told"},
	"away_choice":         {"來電者按了 {digit}", "The caller pressed {digit}"},
	"away_no_colleague":   {"{department} 沒有其他空閒的同事", "No other colleague in {department} was free"},
	"callback_requested":  {"約定由 {staff_id} 在 {promised_at} 回電 {callback_number}", "{staff_id} is to call {callback_number} back at {promised_at}"},
	"callback_promised":   {"承諾稍後回電", "A callback was promised"},
	"recording_started":   {"開始錄下來電者的{intent}", "Started recording the caller's {intent}"},
	"recording_kept":      {"保存來電者的{intent}錄音", "Kept the caller's {intent} recording"},
	"recording_failed":    {"錄音失敗（{cause}）", "The recording failed ({cause})"},
	"message_recording":   {"為 {staff} 錄製留言（第 {take} 次）", "Recording a message for {staff} (take {take})"},
	"message_rerecord":    {"來電者重新錄製留言", "The caller recorded the message again"},
	"message_cancelled":   {"來電者取消留言", "The caller cancelled the message"},
	"message_taken":       {"為 {for_staff_id} 留下留言，回電號碼 {callback_number}", "Took a message for {for_staff_id}; call back on {callback_number}"},
	"urgent_requested":    {"請 {staff_id} 回覆緊急來電，來電者等候 {timeout_s} 秒", "Asked {staff_id} to answer an urgent caller, who holds {timeout_s} s"},
	"urgent_accepted":     {"{staff} 接受緊急來電", "{staff} accepted the urgent call"},
	"urgent_declined":     {"{staff} 婉拒緊急來電", "{staff} declined the urgent call"},
	"urgent_timeout":      {"{staff} 沒有在時限內回覆", "{staff} did not answer in time"},
	"urgent_unavailable":  {"無法聯絡 {staff}（{reason}）", "{staff} could not be reached ({reason})"},
	"anything_else":       {"詢問是否還有其他事（來電者按 {answer}）", "Asked whether there was anything else (the caller pressed {answer})"},
	"ended":               {"通話結束，由{by}掛斷", "The call ended, hung up by {by}"},
	"outcome":             {"結果：{outcome}", "Outcome: {outcome}"},
	"error":               {"處理時發生錯誤", "Something went wrong"},
	"channel_lost":        {"通話線路中斷", "The line was lost"},
	"shutdown":            {"系統關閉，禮貌地結束通話", "The system shut down; the call was ended politely"},
}

// Words for data values that sentences show.
var words = map[string][2]string{
	"mode.blind":         {"直接轉接", "blind"},
	"mode.attended":      {"協商轉接", "attended"},
	"reason.no_answer":   {"無人接聽", "no answer"},
	"reason.busy":        {"忙線", "busy"},
	"reason.unreachable": {"無法接通", "unreachable"},

	"rule.intent:complaint":                        {"依來意：投訴", "by intent: complaint"},
	"rule.intent:suggestion":                       {"依來意：建議", "by intent: suggestion"},
	"rule.intent:order":                            {"依來意：訂購", "by intent: order"},
	"rule.intent:desk":                             {"依來意：服務台", "by intent: the service desk"},
	"rule.menu_fallback":                           {"沒有有效選擇，由服務台處理", "no valid choice: the service desk"},
	"rule.business_hours":                          {"非營業時間", "outside business hours"},
	"rule.holiday":                                 {"假日", "a holiday"},
	"rule.general_manager->desk+supervisor_notice": {"要求找總經理：服務台處理並通知主管", "asked for the general manager: the desk handles it, a supervisor is told"},
	"rule.extension":                               {"依分機", "by extension"},
	"rule.extension:unknown":                       {"分機不存在，由服務台處理", "unknown extension: the service desk"},
	"rule.name":                                    {"依姓名", "by name"},
	"rule.name:unknown":                            {"沒有符合的姓名，由服務台處理", "no name matched: the service desk"},
	"rule.name:ambiguous":                          {"多位姓名符合，由服務台處理", "several names matched: the service desk"},
	"rule.presence":                                {"對方不在或忙線，由服務台處理", "nobody free: the service desk"},
	"rule.vip":                                     {"貴賓專人服務", "a VIP's own person"},
	"rule.agent_transfer":                          {"同事轉接", "passed on by a colleague"},
	"rule.away:colleague":                          {"改找同部門空閒同事", "a free colleague instead"},
	"rule.next_in_department":                      {"同部門的下一位", "the next person in the department"},
}

// line is one timeline event read for people.
type line struct {
	At       time.Time
	Type     string
	Text     string
	Clip     string // a recording of the caller to play
	Message  string // a message to play
	Note     bool
	Severity string // "" or "warn"
	Detail   string // the engine's own words on a routing decision
}

func pick(lang string, w [2]string) string {
	if lang == langEN {
		return w[1]
	}
	return w[0]
}

// reader reads events for one person: their language, the company's time
// zone, and people's names by id.
type reader struct {
	lang string
	loc  *time.Location
	name func(id string) string
}

// sentence reads e for rd.
func (rd reader) sentence(e record.Event) line {
	lang, name := rd.lang, rd.name
	data := map[string]any{}
	if len(e.Data) > 0 {
		_ = json.Unmarshal(e.Data, &data) // a payload that is not an object reads as no fields
	}
	l := line{At: e.At, Type: string(e.Type), Note: e.Type == "note_added"}
	switch e.Type {
	case "recording_kept":
		l.Clip, _ = data["recording"].(string)
	case "message_taken":
		l.Message, _ = data["message_id"].(string)
	case "error", "channel_lost", "recording_failed", "transfer_refused", "staff_no_answer":
		l.Severity = "warn"
	}
	pattern, ok := sentences[string(e.Type)]
	if !ok {
		// A type this console does not know yet still shows, as its name.
		l.Text = strings.ReplaceAll(string(e.Type), "_", " ")
		return l
	}
	p := pattern[0]
	if lang == langEN {
		p = pattern[1]
	}
	if e.Type == "routed" {
		data["target_name"] = routedTarget(lang, data, name)
		l.Detail, _ = data["reason"].(string)
	}
	l.Text = rd.fill(p, data, e.StaffID)
	return l
}

// routedTarget names where a routing decision sent the call.
func routedTarget(lang string, data map[string]any, name func(string) string) string {
	if id, _ := data["staff_id"].(string); id != "" {
		return name(id)
	}
	if d, _ := data["department"].(string); d != "" {
		return d
	}
	if t, _ := data["target"].(string); t != "" {
		return t
	}
	return tr(lang, "intent.desk")
}

// fill puts the event's values into pattern's {placeholders}.
func (rd reader) fill(pattern string, data map[string]any, staffID string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			b.WriteString(pattern)
			break
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			b.WriteString(pattern)
			break
		}
		b.WriteString(pattern[:i])
		b.WriteString(rd.value(pattern[i+1:i+j], data, staffID))
		pattern = pattern[i+j+1:]
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// value is one placeholder's text.
func (rd reader) value(key string, data map[string]any, staffID string) string {
	lang, name := rd.lang, rd.name
	if key == "staff" {
		if staffID == "" {
			return "—"
		}
		return name(staffID)
	}
	v, ok := data[key]
	if !ok || v == nil {
		return "—"
	}
	s := fmt.Sprint(v)
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		s = fmt.Sprint(int64(f))
	}
	switch {
	case strings.HasSuffix(key, "staff_id") || key == "transferred_to":
		return name(s)
	case key == "intent":
		return label(lang, "intent", s)
	case key == "outcome":
		return label(lang, "outcome", s)
	case key == "status":
		return label(lang, "presence", s)
	case key == "by":
		return label(lang, "endedby", s)
	case key == "promised_at":
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.In(rd.loc).Format("01-02 15:04")
		}
	case key == "rule" && strings.HasPrefix(s, "intent:"):
		if w, ok := words[key+"."+s]; ok {
			return pick(lang, w)
		}
		return label(lang, "intent", strings.TrimPrefix(s, "intent:"))
	case key == "mode" || key == "reason" || key == "rule":
		if w, ok := words[key+"."+s]; ok {
			return pick(lang, w)
		}
	}
	return s
}
