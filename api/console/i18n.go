package console

import (
	"fmt"
	"net/http"
)

// Languages of the console: Chinese by default, English switchable.
const (
	langZH = "zh"
	langEN = "en"
)

// langCookie keeps the chosen language.
const langCookie = "callsvc_lang"

// langOf is the request's language: ?lang= (then kept in a cookie), else
// the cookie, else Chinese.
func langOf(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == langZH || l == langEN {
		return l
	}
	if ck, err := r.Cookie(langCookie); err == nil && (ck.Value == langZH || ck.Value == langEN) {
		return ck.Value
	}
	return langZH
}

// keepLang remembers a language chosen with ?lang=.
func keepLang(w http.ResponseWriter, r *http.Request) {
	if l := r.URL.Query().Get("lang"); l == langZH || l == langEN {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/console", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	}
}

// text is the console's wording, Chinese then English. Keys are grouped by
// page; labels of the record's vocabularies (intents, outcomes, statuses)
// are here too.
var text = map[string][2]string{
	"brand":        {"客服中心", "Service desk"},
	"nav.agent":    {"我的工作台", "My desk"},
	"nav.board":    {"即時看板", "Wallboard"},
	"nav.calls":    {"通話記錄", "Call log"},
	"nav.reports":  {"報表", "Reports"},
	"nav.staff":    {"員工", "Staff"},
	"nav.messages": {"留言", "Messages"},
	"signout":      {"登出", "Sign out"},
	"lang.other":   {"English", "中文"},

	"signin.title":   {"登入客服中心", "Sign in to the service desk"},
	"signin.token":   {"存取權杖", "Access token"},
	"signin.hint":    {"向主管索取您的權杖（callsvc token create）。", "Ask your supervisor for your token (callsvc token create)."},
	"signin.submit":  {"登入", "Sign in"},
	"signin.bad":     {"權杖無效或已撤銷。", "The token is not valid or has been revoked."},
	"signin.svc":     {"系統權杖不能登入控制台。", "A service token cannot sign in to the console."},
	"signin.nostaff": {"這個坐席權杖沒有對應的員工。", "This agent token names no staff member."},

	"err.title":     {"無法完成", "Could not do that"},
	"err.forbidden": {"您沒有權限開啟此頁。", "You may not open this page."},
	"err.notfound":  {"找不到。", "Not found."},
	"err.csrf":      {"表單已過期，請重新整理頁面。", "The form has expired; reload the page."},
	"err.back":      {"返回", "Back"},

	"card.idle":       {"目前沒有來電", "No call right now"},
	"card.idle.hint":  {"電話響起時，來電資料會自動出現在這裡。", "When your phone rings, the caller's details appear here."},
	"card.offered":    {"來電響鈴中", "Ringing"},
	"card.connected":  {"通話中", "On the call"},
	"card.ended":      {"通話已結束", "Call ended"},
	"card.missed":     {"未接來電", "Missed"},
	"card.urgent":     {"緊急請求：來電者在線等候您的回覆", "Urgent: the caller is holding for your answer"},
	"card.consult":    {"協商轉接", "Consultation"},
	"card.asked":      {"來意", "Asked for"},
	"card.path":       {"選單路徑", "Menu path"},
	"card.waited":     {"等候", "Waited"},
	"card.rings":      {"第 %d 聲鈴響接聽", "answered at ring %d"},
	"card.chain":      {"經手人", "People so far"},
	"card.owner":      {"首問負責人", "Owner (first contact)"},
	"card.clips":      {"來電者錄音", "Caller's recordings"},
	"card.notes":      {"備註", "Notes"},
	"card.nonotes":    {"尚無備註", "No notes yet"},
	"card.number":     {"來電號碼", "Number"},
	"card.unknown":    {"未登記的來電者", "Caller not on file"},
	"card.vip":        {"貴賓", "VIP"},
	"card.attempt":    {"第 %d 次轉接", "attempt %d"},
	"card.colleagues": {"同事狀態", "Colleagues now"},
	"card.open":       {"開啟通話記錄", "Open the call record"},
	"act.note":        {"加入備註", "Add note"},
	"act.note.ph":     {"備註會隨通話轉給下一位同事", "The note travels with the call to the next person"},
	"act.transfer":    {"轉接", "Transfer"},
	"act.blind":       {"直接轉接", "Blind"},
	"act.attended":    {"協商轉接", "Attended"},
	"act.to":          {"轉給", "To"},
	"act.to.person":   {"同事", "Person"},
	"act.to.ext":      {"分機", "Extension"},
	"act.to.dept":     {"部門", "Department"},
	"act.pick":        {"— 請選擇 —", "— choose —"},
	"act.complete":    {"完成轉接", "Complete transfer"},
	"act.cancel":      {"取消轉接", "Cancel transfer"},
	"act.accept":      {"接聽", "Accept"},
	"act.decline":     {"婉拒", "Decline"},
	"act.done":        {"已送出", "Done"},
	"act.ringing":     {"正在響鈴：%s", "Ringing %s"},
	"act.completed":   {"已完成轉接", "Transfer completed"},
	"act.cancelled":   {"已取消轉接，來電者回到您這裡", "Transfer cancelled; the caller is back with you"},
	"act.away":        {"%s 目前不在，來電者會聽到對方狀態與選項", "%s is away; the caller hears their status and the options"},
	"act.noted.live":  {"備註已加入，會隨通話轉交", "Note added; it travels with the call"},
	"act.noted":       {"備註已寫入通話記錄", "Note added to the call record"},
	"act.urgent.ok":   {"已回覆", "Answered"},

	"me.presence":        {"我的狀態", "My status"},
	"me.where":           {"地點", "Where"},
	"me.back":            {"預計回來", "Back at"},
	"me.note":            {"給同事的說明", "Note for colleagues"},
	"me.update":          {"更新狀態", "Update"},
	"me.updated":         {"狀態已更新", "Status updated"},
	"me.messages":        {"我的留言", "My messages"},
	"me.nomessages":      {"沒有待處理的留言", "No messages waiting"},
	"me.recent":          {"我最近的通話", "My recent calls"},
	"me.norecent":        {"還沒有通話", "No calls yet"},
	"msg.handled":        {"標為已處理", "Mark handled"},
	"msg.callback":       {"回電號碼", "Call back"},
	"msg.partial":        {"未錄完", "partial"},
	"msg.for":            {"給", "For"},
	"msg.status.new":     {"待處理", "waiting"},
	"msg.status.handled": {"已處理", "handled"},
	"msg.all":            {"全部", "All"},
	"msg.none":           {"沒有留言", "No messages"},
	"msg.from":           {"來電者", "Caller"},
	"msg.length":         {"長度", "Length"},
	"msg.at":             {"時間", "Time"},

	"board.title":     {"即時看板", "Wallboard"},
	"board.today":     {"今日（%s）", "Today (%s)"},
	"board.offered":   {"來電", "Calls"},
	"board.within3":   {"三聲內接聽", "Answered within 3 rings"},
	"board.asa":       {"平均應答", "Avg. speed of answer"},
	"board.abandoned": {"放棄率", "Abandoned"},
	"board.talk":      {"平均通話", "Avg. talk time"},
	"board.longest":   {"目前最長等候", "Longest waiting now"},
	"board.messages":  {"待處理留言", "Messages waiting"},
	"board.now":       {"目前通話", "Calls now"},
	"board.nocalls":   {"目前沒有通話", "No calls right now"},
	"board.staff":     {"員工狀態", "Staff"},
	"board.updated":   {"更新於", "Updated"},
	"board.live":      {"即時", "Live"},
	"board.s":         {"%.1f 秒", "%.1f s"},
	"board.ms":        {"%.0f 毫秒", "%.0f ms"},

	"stage.menu":    {"語音選單", "In the menu"},
	"stage.waiting": {"等候接聽", "Waiting for a person"},
	"stage.talking": {"通話中", "Talking"},
	"stage.hold":    {"保留中", "On hold"},

	"calls.title":    {"通話記錄", "Call log"},
	"calls.from":     {"從", "From"},
	"calls.to":       {"到", "To"},
	"calls.caller":   {"來電號碼", "Caller"},
	"calls.staff":    {"員工", "Person"},
	"calls.intent":   {"來意", "Intent"},
	"calls.outcome":  {"結果", "Outcome"},
	"calls.within":   {"鈴響接聽", "Answered within"},
	"calls.within.n": {"%d 聲內", "%d rings"},
	"calls.q":        {"備註含", "Notes contain"},
	"calls.any":      {"全部", "Any"},
	"calls.filter":   {"篩選", "Filter"},
	"calls.csv":      {"匯出 CSV", "Export CSV"},
	"calls.next":     {"下一頁", "Next page"},
	"calls.none":     {"沒有符合的通話", "No calls match"},
	"calls.at":       {"時間", "Time"},
	"calls.rings":    {"鈴聲", "Rings"},
	"calls.talk":     {"通話", "Talk"},
	"calls.who":      {"經手", "People"},

	"call.title":     {"通話經過", "Call timeline"},
	"call.summary":   {"摘要", "Summary"},
	"call.arrived":   {"來電時間", "Arrived"},
	"call.answered":  {"接聽", "Answered"},
	"call.ended":     {"結束", "Ended"},
	"call.talk":      {"通話時長", "Talk time"},
	"call.recording": {"錄音", "Recording"},
	"call.message":   {"留言", "Message"},
	"call.notes":     {"備註", "Notes"},
	"call.endedby":   {"掛斷方", "Ended by"},

	"rep.title":       {"報表", "Reports"},
	"rep.range":       {"期間", "Range"},
	"rep.tz":          {"時區", "Time zone"},
	"rep.show":        {"顯示", "Show"},
	"rep.perhour":     {"每小時來電", "Calls per hour"},
	"rep.within3":     {"每日三聲內接聽率", "Answered within 3 rings, by day"},
	"rep.abandoned":   {"每日放棄來電", "Abandoned calls, by day"},
	"rep.byperson":    {"依員工", "By person"},
	"rep.byintent":    {"依來意", "By intent"},
	"rep.offered":     {"來電", "Calls"},
	"rep.answered":    {"已接聽", "Answered"},
	"rep.within3pct":  {"三聲內 %", "Within 3 rings %"},
	"rep.asa":         {"平均應答（秒）", "Avg. answer (s)"},
	"rep.abandonpct":  {"放棄 %", "Abandoned %"},
	"rep.transferred": {"轉接", "Transferred"},
	"rep.msgs":        {"留言", "Messages"},
	"rep.talk":        {"平均通話（秒）", "Avg. talk (s)"},
	"rep.none":        {"此期間沒有資料", "No calls in this range"},

	"staff.title":  {"員工與狀態", "Staff and presence"},
	"staff.name":   {"姓名", "Name"},
	"staff.ext":    {"分機", "Ext."},
	"staff.dept":   {"部門", "Department"},
	"staff.status": {"狀態", "Status"},
	"staff.detail": {"說明", "Details"},
	"staff.role":   {"角色", "Role"},

	"presence.available":   {"可接聽", "Available"},
	"presence.meeting":     {"開會中", "In a meeting"},
	"presence.visitor":     {"接待訪客", "With a visitor"},
	"presence.out":         {"外出", "Out"},
	"presence.event":       {"參加活動", "At an event"},
	"presence.off_duty":    {"下班", "Off duty"},
	"presence.on_call":     {"通話中", "On a call"},
	"presence.unreachable": {"無法接通", "Unreachable"},

	"intent.order":           {"訂購", "Order"},
	"intent.complaint":       {"投訴", "Complaint"},
	"intent.suggestion":      {"建議", "Suggestion"},
	"intent.person":          {"找人", "A person"},
	"intent.desk":            {"服務台", "Service desk"},
	"intent.general_manager": {"找總經理", "General manager"},
	"intent.":                {"—", "—"},

	"outcome.in_progress":        {"進行中", "In progress"},
	"outcome.completed":          {"已完成", "Completed"},
	"outcome.connected":          {"已接通", "Connected"},
	"outcome.transferred":        {"已轉接", "Transferred"},
	"outcome.message_taken":      {"已留言", "Message taken"},
	"outcome.callback_requested": {"約定回電", "Callback requested"},
	"outcome.abandoned":          {"放棄", "Abandoned"},
	"outcome.caller_hung_up":     {"來電者掛斷", "Caller hung up"},
	"outcome.failed":             {"失敗", "Failed"},

	"role.agent":      {"坐席", "Agent"},
	"role.supervisor": {"主管", "Supervisor"},
	"role.service":    {"系統", "Service"},

	"endedby.caller": {"來電者", "the caller"},
	"endedby.system": {"系統", "the system"},
	"endedby.staff":  {"員工", "staff"},
}

// tr is the wording of key in lang, formatted with args; an unknown key
// shows itself, so a gap is visible rather than blank.
func tr(lang, key string, args ...any) string {
	w, ok := text[key]
	if !ok {
		return key
	}
	s := w[0]
	if lang == langEN {
		s = w[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// label is the wording of a vocabulary value (intent, outcome, presence,
// stage...), or the value itself when it has none.
func label(lang, kind, value string) string {
	if _, ok := text[kind+"."+value]; ok {
		return tr(lang, kind+"."+value)
	}
	return value
}
