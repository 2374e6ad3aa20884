package record

import "strings"

// MaxSpelling is the longest Staff.Spelling, in bytes (letters and spaces).
const MaxSpelling = 64

// NormalizeSpelling checks a staff member's spelling and returns it in its
// stored form: lower case, words separated by one space, no leading or
// trailing space. Only ASCII letters and spaces are accepted, because the
// spelling is matched against letters keyed on a telephone keypad; an
// empty spelling is allowed (the person is not offered by name).
func NormalizeSpelling(s string) (string, error) {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ') {
			return "", Errorf(EInvalid, "spelling: only letters a-z and spaces (pinyin without tone marks), got %q", r)
		}
	}
	out := strings.ToLower(strings.Join(strings.Fields(s), " "))
	if len(out) > MaxSpelling {
		return "", Errorf(EInvalid, "spelling: longer than %d letters and spaces", MaxSpelling)
	}
	return out, nil
}
