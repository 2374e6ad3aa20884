package prompt

// Asking for a colleague by name from the menu: the caller keys the first
// letters of the name's spelling (pinyin) on the telephone keypad.
const (
	KeyMenuName         Key = "menu_name"         // 5: a colleague by name
	KeyNameInstructions Key = "name_instructions" // key the first letters, then #
	KeyNameMore         Key = "name_more"         // several match: a few more letters
	KeyNameUnknown      Key = "name_unknown"      // nobody matches: try again
	KeyNameFound        Key = "name_found"        // one match: their extension is ...
	KeyNameToDesk       Key = "name_desk"         // still none or several: the desk helps
)

func init() {
	for k, t := range byNameTexts {
		standard[k] = t
	}
}

var byNameTexts = map[Key]texts{
	KeyMenuName:         {"按姓名找同事請按5", "To ask for a colleague by name, press 5."},
	KeyNameInstructions: {"請用電話按鍵輸入對方姓名拼音的前幾個字母, 然後按井號鍵", "Please key the first few letters of their name on your telephone keypad, then press the hash key."},
	KeyNameMore:         {"有幾位同事的姓名符合, 請再多輸入幾個字母, 然後按井號鍵", "Several colleagues match. Please key a few more letters, then press the hash key."},
	KeyNameUnknown:      {"對不起, 沒有找到這個姓名的同事, 請再輸入一次", "Sorry, we could not find a colleague by that name. Please try again."},
	KeyNameFound:        {"您找的同事分機號碼是", "The colleague you asked for is on extension"},
	KeyNameToDesk:       {"服務台同事將幫您找到要找的同事", "The service desk will help you find the colleague you asked for."},
}
