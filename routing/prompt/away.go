package prompt

import (
	"strings"
	"time"
)

// Away (S16-S19), the options offered then, messages and callbacks. The
// words never say "not in yet", "haven't seen them" or "not at work"
// (S18): the catalogue test checks every key against those phrases.
const (
	KeyAwayColleague  Key = "away_colleague"   // the colleague you asked for
	KeyAwayMeeting    Key = "away_meeting"     // S16 is in a meeting
	KeyAwayVisitor    Key = "away_visitor"     // S17 is with a visitor
	KeyAwayOut        Key = "away_out"         // S18 暫時不在辦公室
	KeyAwayEvent      Key = "away_event"       // S19 is at an event
	KeyAwayOffDuty    Key = "away_off_duty"    // outside their working hours
	KeyAwayOnCall     Key = "away_on_call"     // on another call
	KeyAwayNoPhone    Key = "away_unreachable" // the phone cannot be reached
	KeyAwayBackAround Key = "away_back_around" // expected back around ...
	KeyAwayBackEnd    Key = "away_back_end"    // ... (zh: 左右回來)
	KeyAwayCanIHelp   Key = "away_can_i_help"  // S18 有什麼事可以代勞呢?

	// A time of day, read as the caller would say it ("下午3點半").
	KeyTimeMorning   Key = "time_morning"   // 上午 / in the morning
	KeyTimeAfternoon Key = "time_afternoon" // 下午 / in the afternoon
	KeyTimeEvening   Key = "time_evening"   // 晚上 / in the evening
	KeyTimeOClock    Key = "time_oclock"    // 點 / o'clock
	KeyTimeHalf      Key = "time_half"      // 半 / thirty
	KeyTimeMinutes   Key = "time_minutes"   // 分 / (minutes, silent in en)
	KeyTimeTomorrow  Key = "time_tomorrow"  // 明天 / tomorrow

	// A few known places (S18: roughly where); other text is not said.
	KeyPlaceWarehouse Key = "place_warehouse"
	KeyPlaceFactory   Key = "place_factory"
	KeyPlaceCustomer  Key = "place_customer"
	KeyPlaceBranch    Key = "place_branch"
	KeyPlaceBank      Key = "place_bank"
	KeyPlaceTrip      Key = "place_trip"

	// The options, one key per line so what is not offered is left out.
	KeyAwayOptMessage   Key = "away_opt_message"   // 1 leave a message
	KeyAwayOptColleague Key = "away_opt_colleague" // 2 another colleague
	KeyAwayOptUrgent    Key = "away_opt_urgent"    // 3 urgent: we reach them now
	KeyAwayOptCallback  Key = "away_opt_callback"  // 4 ask for a callback
	KeyNoColleagueFree  Key = "no_colleague_free"  // nobody else free now

	KeyUrgentHold     Key = "urgent_hold"     // please hold while we reach them
	KeyUrgentDeclined Key = "urgent_declined" // they cannot come to the phone now
	KeyUrgentNoReply  Key = "urgent_no_reply" // we could not reach them in time

	KeyCallbackBooked Key = "callback_booked" // they will call you back around ...

	// Messages (S15: read back to confirm).
	KeyMessageInstructions Key = "message_instructions" // after the beep, # to finish
	KeyMessageReadBack     Key = "message_read_back"    // your message is:
	KeyMessageConfirm      Key = "message_confirm"      // 1 keep, 2 record again, 3 cancel
	KeyMessageCancelled    Key = "message_cancelled"
	KeyMessageSaved        Key = "message_saved"     // it will be passed on
	KeyMessageFailed       Key = "message_failed"    // the recording did not work
	KeyCallbackNumberIs    Key = "callback_number"   // we will call you back on
	KeyCallbackConfirm     Key = "callback_confirm"  // 1 correct, 2 another number
	KeyEnterCallbackNumber Key = "callback_enter"    // enter the number then #
	KeyMessageNoNumber     Key = "message_no_number" // no number given: caller id kept
)

func init() {
	for k, t := range awayTexts {
		standard[k] = t
	}
}

var awayTexts = map[Key]texts{
	KeyAwayColleague:  {"您找的同事", "The colleague you asked for"},
	KeyAwayMeeting:    {"正在開會", "is in a meeting."},
	KeyAwayVisitor:    {"正在接待客人", "is with a visitor."},
	KeyAwayOut:        {"暫時不在辦公室", "is away from the office at the moment."},
	KeyAwayEvent:      {"正在參加一個活動", "is attending an event."},
	KeyAwayOffDuty:    {"現在是休息時間", "is off duty at the moment."},
	KeyAwayOnCall:     {"正在接聽另一個電話", "is on another call."},
	KeyAwayNoPhone:    {"暫時無法接聽電話", "cannot take calls at the moment."},
	KeyAwayBackAround: {"預計", "They expect to be back around"},
	KeyAwayBackEnd:    {"左右回來", "or so."},
	KeyAwayCanIHelp:   {"有什麼事可以代勞呢?", "How can I help?"},

	KeyTimeMorning:   {"上午", "in the morning"},
	KeyTimeAfternoon: {"下午", "in the afternoon"},
	KeyTimeEvening:   {"晚上", "in the evening"},
	KeyTimeOClock:    {"點", "o'clock"},
	KeyTimeHalf:      {"半", "thirty"},
	KeyTimeMinutes:   {"分", "minutes past"},
	KeyTimeTomorrow:  {"明天", "tomorrow"},

	KeyPlaceWarehouse: {"現在在倉庫", "They are at the warehouse."},
	KeyPlaceFactory:   {"現在在工廠", "They are at the factory."},
	KeyPlaceCustomer:  {"現在在客戶那裡", "They are visiting a customer."},
	KeyPlaceBranch:    {"現在在分公司", "They are at a branch office."},
	KeyPlaceBank:      {"現在在銀行", "They are at the bank."},
	KeyPlaceTrip:      {"正在出差", "They are on a business trip."},

	KeyAwayOptMessage:   {"留言請按1", "To leave a message, press 1."},
	KeyAwayOptColleague: {"由其他同事為您服務請按2", "To speak to another colleague, press 2."},
	KeyAwayOptUrgent:    {"有急事需要馬上聯繫請按3", "If it is urgent and we should reach them now, press 3."},
	KeyAwayOptCallback:  {"請同事回電請按4", "To ask for a call back, press 4."},
	KeyNoColleagueFree:  {"對不起, 其他同事也在忙", "Sorry, our other colleagues are busy as well."},

	KeyUrgentHold:     {"請您稍等片刻, 我們正在為您聯繫", "Please hold for a moment while we reach them."},
	KeyUrgentDeclined: {"對不起, 這位同事現在無法接聽, 請您選擇其他方式", "Sorry, they cannot come to the phone right now. Please choose another option."},
	KeyUrgentNoReply:  {"對不起, 讓您久等了, 請您選擇其他方式", "Sorry to have kept you waiting. Please choose another option."},

	KeyCallbackBooked: {"好的, 同事會在這個時間左右給您回電", "Certainly. They will call you back around this time:"},

	KeyMessageInstructions: {"請在提示音後留言, 講完後請按井號鍵", "Please leave your message after the beep, and press the hash key when you have finished."},
	KeyMessageReadBack:     {"您的留言是", "Your message is:"},
	KeyMessageConfirm:      {"確認請按1, 重新錄製請按2, 取消請按3", "To keep it, press 1. To record it again, press 2. To cancel, press 3."},
	KeyMessageCancelled:    {"您的留言已經取消", "Your message has been cancelled."},
	KeyMessageSaved:        {"您的留言已經記下, 我們會盡快轉達", "We have your message and will pass it on shortly."},
	KeyMessageFailed:       {"對不起, 留言沒有錄好", "Sorry, the message could not be recorded."},
	KeyCallbackNumberIs:    {"我們將回電到這個號碼", "We will call you back on this number:"},
	KeyCallbackConfirm:     {"正確請按1, 使用其他號碼請按2", "If that is right, press 1. For another number, press 2."},
	KeyEnterCallbackNumber: {"請輸入回電號碼, 以井號鍵結束", "Please enter the number to call back, then press the hash key."},
	KeyMessageNoNumber:     {"我們將回電到您來電的號碼", "We will call you back on the number you are calling from."},
}

// placeWords are the known places, by words a person may type (lower case).
var placeWords = []struct {
	words []string
	key   Key
}{
	{[]string{"warehouse", "倉庫", "仓库"}, KeyPlaceWarehouse},
	{[]string{"factory", "plant", "工廠", "工厂", "車間", "车间"}, KeyPlaceFactory},
	{[]string{"customer", "client", "客戶", "客户"}, KeyPlaceCustomer},
	{[]string{"branch", "分公司", "分部"}, KeyPlaceBranch},
	{[]string{"bank", "銀行", "银行"}, KeyPlaceBank},
	{[]string{"trip", "travel", "出差"}, KeyPlaceTrip},
}

// PlaceKey maps a person's free-text "where" to a known place's prompt; ok
// is false for anything else, which is then not said at all (a free text
// cannot be spoken, and a wrong guess would mislead the caller).
func PlaceKey(where string) (Key, bool) {
	w := strings.ToLower(strings.TrimSpace(where))
	if w == "" {
		return "", false
	}
	for _, p := range placeWords {
		for _, word := range p.words {
			if strings.Contains(w, word) {
				return p.key, true
			}
		}
	}
	return "", false
}

// TimeOfDay is the media that reads t (already in the caller's zone) as a
// rough time of day: rounded up to five minutes, "下午3點半" in Chinese,
// "3 thirty in the afternoon" in English; "tomorrow" first when t falls on
// the day after today. ok is false when t is neither today nor tomorrow
// (then no time is said).
func TimeOfDay(lang Lang, t, today time.Time) (media []string, ok bool) {
	if r := t.Minute() % 5; r != 0 || t.Second() != 0 {
		t = t.Add(time.Duration(5-r)*time.Minute - time.Duration(t.Second())*time.Second)
	}
	y, m, d := today.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, today.Location())
	switch {
	case t.Before(day) || !t.Before(day.AddDate(0, 0, 2)):
		return nil, false
	case !t.Before(day.AddDate(0, 0, 1)):
		media = append(media, Media(lang, KeyTimeTomorrow))
	}
	period := KeyTimeMorning
	switch h := t.Hour(); {
	case h >= 18:
		period = KeyTimeEvening
	case h >= 12:
		period = KeyTimeAfternoon
	}
	h := t.Hour() % 12
	if h == 0 {
		h = 12
	}
	var clock []string
	switch mm := t.Minute(); {
	case mm == 0:
		clock = []string{Number(h), Media(lang, KeyTimeOClock)}
	case mm == 30:
		clock = []string{Number(h), Media(lang, KeyTimeOClock), Media(lang, KeyTimeHalf)}
		if lang == EN {
			clock = []string{Number(h), Media(lang, KeyTimeHalf)}
		}
	default:
		clock = []string{Number(h), Media(lang, KeyTimeOClock), Number(mm), Media(lang, KeyTimeMinutes)}
		if lang == EN {
			clock = []string{Number(mm), Media(lang, KeyTimeMinutes), Number(h)}
		}
	}
	if lang == EN {
		return append(append(media, clock...), Media(lang, period)), true
	}
	return append(append(media, Media(lang, period)), clock...), true
}
