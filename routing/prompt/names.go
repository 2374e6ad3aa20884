package prompt

import (
	"fmt"
	"strings"
)

// SurnameKey is the sound-file name of a surname (S3). Surnames are spoken
// in Mandarin in both languages, so they live under "names" rather than a
// language; the file name is the code points in hex, which every file
// system and Asterisk's sound lookup accept (張 -> "surname_5f35").
func SurnameKey(surname string) (Key, bool) {
	surname = strings.TrimSpace(surname)
	if surname == "" {
		return "", false
	}
	var b strings.Builder
	b.WriteString("surname")
	for _, r := range surname {
		fmt.Fprintf(&b, "_%x", r)
	}
	return Key(b.String()), true
}

// SurnameMedia is the media URI of a surname's sound file.
func SurnameMedia(surname string) (string, bool) {
	k, ok := SurnameKey(surname)
	if !ok {
		return "", false
	}
	return "sound:callsvc/names/" + string(k), true
}

// TitleKey maps a customer's title (as stored: 先生, 女士, 經理, Mr, Ms...)
// to its prompt; ok is false for titles the catalogue does not speak.
func TitleKey(title string) (Key, bool) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(title), ".")) {
	case "先生", "mr", "mister":
		return KeyTitleMr, true
	case "女士", "小姐", "ms", "mrs", "miss":
		return KeyTitleMs, true
	case "經理", "经理", "manager":
		return KeyTitleManager, true
	}
	return "", false
}
