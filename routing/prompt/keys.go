package prompt

// The standard keys. The comment after each gives the rule it serves.
const (
	// Greeting (S2, S3). The plain form "您好" is replaced by a
	// time-of-day or holiday form when one applies.
	KeyHello          Key = "hello"           // S2 您好
	KeyGoodMorning    Key = "good_morning"    // S2 早上好
	KeyGoodAfternoon  Key = "good_afternoon"  // S2 下午好
	KeyGoodEvening    Key = "good_evening"    // S2 晚上好
	KeyHappyHolidays  Key = "happy_holidays"  // S2 節日快樂
	KeyHappyNewYear   Key = "happy_new_year"  // S2 新年快樂
	KeyMerryChristmas Key = "merry_christmas" // S2 聖誕快樂
	KeyThisIs         Key = "this_is"         // "這裡是" before the company name
	KeyCompanyName    Key = "company_name"    // COMPANY_NAME, rendered by prompts build

	// Titles after a known caller's surname (S3: 張先生).
	KeyTitleMr      Key = "title_mr"      // 先生
	KeyTitleMs      Key = "title_ms"      // 女士
	KeyTitleManager Key = "title_manager" // 經理

	// Standard phrases (S20).
	KeyAskSurname       Key = "ask_surname"        // 請問您貴姓?
	KeyAskNeed          Key = "ask_need"           // 請問您需要我為您做點什麼?
	KeyPleaseWait       Key = "please_wait"        // 請您稍等片刻
	KeyGladToServe      Key = "glad_to_serve"      // 很高興能為您服務
	KeySorryToKeepWait  Key = "sorry_kept_waiting" // 對不起, 讓您久等了
	KeySorryPleaseWait  Key = "sorry_please_wait"  // 對不起, 請稍等 (S15)
	KeyThanksForCalling Key = "thanks_for_calling" // 謝謝您打電話來

	// The menu (S6, S24, S14, S7, S10); one key per line so the engine can
	// leave out what is not offered.
	KeyMenuOrder          Key = "menu_order"           // 1: orders and purchases
	KeyMenuComplaint      Key = "menu_complaint"       // 2: complaints
	KeyMenuSuggestion     Key = "menu_suggestion"      // 3: suggestions
	KeyMenuExtension      Key = "menu_extension"       // 4: a person by extension
	KeyMenuGeneralManager Key = "menu_general_manager" // 9: the general manager
	KeyMenuDesk           Key = "menu_desk"            // 0: the service desk
	KeyEnterExtension     Key = "enter_extension"      // extension then #
	KeyInvalidChoice      Key = "invalid_choice"       // wrong key: re-prompt
	KeyNoChoice           Key = "no_choice"            // silence: re-prompt
	KeyUnknownExtension   Key = "unknown_extension"    // no such extension

	// Complaints (S14) and suggestions (S7): recorded in full, # to end.
	KeyComplaintInstructions  Key = "complaint_instructions"
	KeySuggestionInstructions Key = "suggestion_instructions"
	KeyComplaintRecorded      Key = "complaint_recorded"   // S14: it will be followed up
	KeySuggestionThanks       Key = "suggestion_thanks"    // S7: thank the caller
	KeyOrderInstructions      Key = "order_instructions"   // S6/S24 when nobody is free
	KeyGeneralManagerNotice   Key = "general_manager_desk" // S10: the desk handles it

	// Connecting and holding (S11, S15).
	KeyConnecting      Key = "connecting"       // putting you through
	KeyHold            Key = "hold"             // please hold, I'm reaching them
	KeyAwayOffer       Key = "away_offer"       // S18 暫時不在辦公室, 有什麼事可以代勞呢?
	KeyDeskBusy        Key = "desk_busy"        // every colleague is on a call
	KeyCallbackPromise Key = "callback_promise" // S12: a colleague calls back
	KeyAfterHours      Key = "after_hours"      // outside business hours
	KeyHolidayShut     Key = "holiday_shut"     // closed for a holiday

	// The whisper a person hears before the caller is put through to them
	// (S11): who is calling and what they want, so the caller never
	// repeats it. The caller does not hear it.
	KeyWhisperIntro       Key = "whisper_intro"       // a call for you from
	KeyWhisperVIP         Key = "whisper_vip"         // a VIP customer
	KeyWhisperOrder       Key = "whisper_order"       // about an order or purchase
	KeyWhisperComplaint   Key = "whisper_complaint"   // about a complaint
	KeyWhisperSuggestion  Key = "whisper_suggestion"  // with a suggestion
	KeyWhisperPerson      Key = "whisper_person"      // asked for you by extension
	KeyWhisperDesk        Key = "whisper_desk"        // for the service desk
	KeyWhisperManager     Key = "whisper_manager"     // asked for the general manager
	KeyWhisperReason      Key = "whisper_reason"      // their reason, in their words:
	KeyWhisperNotes       Key = "whisper_notes"       // colleagues' notes are on screen
	KeyWhisperTransferred Key = "whisper_transferred" // passed on by a colleague

	// Wrap-up (S8, S20).
	KeyAnythingElse Key = "anything_else" // S8
	KeyGoodbye      Key = "goodbye"
	KeySorryError   Key = "sorry_error" // something went wrong on our side
)

type texts struct{ zh, en string }

// standard holds the words. Nothing here may say "not in yet", "haven't
// seen", "not at work" or "I don't know" (S18, S20); a test enforces it.
var standard = map[Key]texts{
	KeyHello:          {"您好", "Hello"},
	KeyGoodMorning:    {"早上好", "Good morning"},
	KeyGoodAfternoon:  {"下午好", "Good afternoon"},
	KeyGoodEvening:    {"晚上好", "Good evening"},
	KeyHappyHolidays:  {"節日快樂", "Happy holidays"},
	KeyHappyNewYear:   {"新年快樂", "Happy New Year"},
	KeyMerryChristmas: {"聖誕快樂", "Merry Christmas"},
	KeyThisIs:         {"這裡是", "this is"},

	KeyTitleMr:      {"先生", "Mister"},
	KeyTitleMs:      {"女士", "Miss"},
	KeyTitleManager: {"經理", "Manager"},

	KeyAskSurname:       {"請問您貴姓?", "May I have your name, please?"},
	KeyAskNeed:          {"請問您需要我為您做點什麼?", "What can I do for you?"},
	KeyPleaseWait:       {"請您稍等片刻", "Please wait a moment."},
	KeyGladToServe:      {"很高興能為您服務", "It is a pleasure to help you."},
	KeySorryToKeepWait:  {"對不起, 讓您久等了", "Sorry to have kept you waiting."},
	KeySorryPleaseWait:  {"對不起, 請稍等", "Sorry, please hold on."},
	KeyThanksForCalling: {"謝謝您打電話來", "Thank you for calling."},

	KeyMenuOrder:          {"訂購產品或查詢購買請按1", "For orders and purchases, press 1."},
	KeyMenuComplaint:      {"投訴請按2", "To make a complaint, press 2."},
	KeyMenuSuggestion:     {"提出建議請按3", "To make a suggestion, press 3."},
	KeyMenuExtension:      {"如知道分機號碼請按4", "If you know the extension, press 4."},
	KeyMenuGeneralManager: {"找總經理請按9", "For the general manager, press 9."},
	KeyMenuDesk:           {"服務台請按0", "For the service desk, press 0."},
	KeyEnterExtension:     {"請輸入分機號碼, 以井號鍵結束", "Please enter the extension, then press the hash key."},
	KeyInvalidChoice:      {"對不起, 這個選擇無效, 請重新選擇", "Sorry, that is not a valid choice. Please choose again."},
	KeyNoChoice:           {"對不起, 我們沒有收到您的選擇, 請再選擇一次", "Sorry, we did not receive your choice. Please choose again."},
	KeyUnknownExtension:   {"對不起, 這個分機號碼無效, 服務台同事將為您服務", "Sorry, that extension is not valid. The service desk will help you."},

	KeyComplaintInstructions:  {"請在提示音後講述您的問題, 您可以慢慢講, 講完後請按井號鍵", "After the beep, please tell us what happened. Take your time, and press the hash key when you have finished."},
	KeySuggestionInstructions: {"請在提示音後講述您的建議, 講完後請按井號鍵", "After the beep, please tell us your suggestion, and press the hash key when you have finished."},
	KeyComplaintRecorded:      {"您反映的問題我們已經完整記錄, 我們會盡快處理並給您回覆", "We have recorded everything you told us. We will look into it and call you back."},
	KeySuggestionThanks:       {"非常感謝您的寶貴建議, 我們已經記錄下來", "Thank you very much for your suggestion. We have recorded it."},
	KeyOrderInstructions:      {"我們的銷售同事將盡快與您聯繫", "Our sales team will contact you shortly."},
	KeyGeneralManagerNotice:   {"好的, 服務台同事會為您處理, 並把您的要求轉告主管", "Certainly. The service desk will take care of this and pass your request on to the manager."},

	KeyConnecting:      {"正在為您接通, 請稍候", "Connecting you now, please hold."},
	KeyHold:            {"請您稍等片刻, 我們正在為您聯繫", "Please hold for a moment while we reach them."},
	KeyAwayOffer:       {"暫時不在辦公室, 有什麼事可以代勞呢?", "is away from the desk at the moment. How can I help?"},
	KeyDeskBusy:        {"同事們正在接聽其他電話, 請您稍等片刻", "Our colleagues are on other calls. Please wait a moment."},
	KeyCallbackPromise: {"我們已經記下您的來電, 同事會盡快給您回電", "We have noted your call, and a colleague will call you back shortly."},
	KeyAfterHours:      {"現在是非工作時間, 歡迎您在工作時間再來電", "We are closed at the moment. Please call again during business hours."},
	KeyHolidayShut:     {"節假日期間我們暫停服務, 歡迎您在工作日再來電", "We are closed for the holiday. Please call again on a working day."},

	KeyWhisperIntro:       {"轉接來電, 客戶", "A call for you from"},
	KeyWhisperVIP:         {"貴賓客戶", "a VIP customer"},
	KeyWhisperOrder:       {"查詢訂購", "about an order"},
	KeyWhisperComplaint:   {"投訴", "with a complaint"},
	KeyWhisperSuggestion:  {"提出建議", "with a suggestion"},
	KeyWhisperPerson:      {"指名找您", "who asked for you"},
	KeyWhisperDesk:        {"服務台來電", "for the service desk"},
	KeyWhisperManager:     {"要求找總經理", "who asked for the general manager"},
	KeyWhisperReason:      {"客戶留下的原因是", "In their words:"},
	KeyWhisperNotes:       {"同事的備註請看螢幕", "Your colleagues' notes are on your screen."},
	KeyWhisperTransferred: {"由同事轉來", "passed on by a colleague"},

	KeyAnythingElse: {"請問還有其他可以幫您的嗎? 有請按1, 沒有請按2", "Is there anything else I can help you with? Press 1 for yes, 2 for no."},
	KeyGoodbye:      {"再見", "Goodbye."},
	KeySorryError:   {"對不起, 系統暫時出現問題, 請稍後再來電", "Sorry, we have a problem on our side. Please call again later."},
}
