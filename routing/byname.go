package routing

import (
	"slices"
	"strings"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// Dial by name: a caller keys the first letters of a colleague's name on
// the telephone keypad (one key per letter, 2=ABC ... 9=WXYZ) and the
// directory's spellings (record.Staff.Spelling, pinyin or an English name)
// are matched against the keys.

// keypad is the letter on each key of a telephone keypad (ITU E.161).
var keypad = [26]byte{
	'2', '2', '2', // a b c
	'3', '3', '3', // d e f
	'4', '4', '4', // g h i
	'5', '5', '5', // j k l
	'6', '6', '6', // m n o
	'7', '7', '7', '7', // p q r s
	'8', '8', '8', // t u v
	'9', '9', '9', '9', // w x y z
}

// KeypadDigits is s as keyed on a telephone keypad, one digit per letter
// ("Wang Fang" -> "92643264"); anything but the letters a-z and A-Z is
// left out.
func KeypadDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20 // ASCII lower case; non-letters are dropped below
		if c >= 'a' && c <= 'z' {
			b.WriteByte(keypad[c-'a'])
		}
	}
	return b.String()
}

// nameKeys are the key sequences a spelling is found by: the whole name
// as written (Chinese order, surname first: "wang fang" -> wangfang) and
// the given name first, as English speakers say it (fangwang).
func nameKeys(spelling string) []string {
	words := strings.Fields(spelling)
	if len(words) == 0 {
		return nil
	}
	keys := []string{KeypadDigits(strings.Join(words, ""))}
	if len(words) > 1 {
		keys = append(keys, KeypadDigits(strings.Join(append(words[1:], words[0]), "")))
	}
	return keys
}

// MatchName returns the active people whose spelling, keyed on the keypad
// either way round (see nameKeys), starts with keyed, in id order. People
// without a spelling are never matched, nor is an empty or non-digit key
// sequence; 0, 1, * and # carry no letters, so keys holding them match
// nobody.
func MatchName(staff []record.Staff, keyed string) []record.Staff {
	if keyed == "" {
		return nil
	}
	var out []record.Staff
	for _, s := range staff {
		if nameMatches(s, keyed) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b record.Staff) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// nameMatches reports whether s is active and their spelling, keyed either
// way round, starts with keyed (non-empty).
func nameMatches(s record.Staff, keyed string) bool {
	if !s.Active || keyed == "" {
		return false
	}
	for _, k := range nameKeys(s.Spelling) {
		if strings.HasPrefix(k, keyed) {
			return true
		}
	}
	return false
}

// maxNameKeys bounds the keys taken for a name; a prefix this long picks
// out anyone.
const maxNameKeys = 24

// name asks for a colleague by name: the caller keys the first letters of
// the spelling on the keypad, then #. Several people match: a few more
// letters, once (continuing, or keyed again from the start); nobody (or
// nothing keyed): once more from the start. It returns the keys for the
// router, which routes one match as it routes an extension and anything
// else to the desk; the caller hears the extension found, or that the desk
// will help. The directory as read for the match goes back too, so the
// routing decision sees the same people without reading it again.
func (c *call) name() (string, []record.Staff, error) {
	var (
		staff     []record.Staff
		listed    bool
		keyed     string
		askedMore bool
		missed    bool
	)
	media := []string{c.media(prompt.KeyNameInstructions)}
	for try := 1; ; try++ {
		d, err := c.play(true, media...)
		if err != nil {
			return "", nil, err
		}
		got, err := c.keys(d, c.e.cfg.MenuTimeout, maxNameKeys)
		if err != nil {
			return "", nil, err
		}
		if !strings.HasPrefix(got, keyed) {
			got = keyed + got // more letters after the ones already keyed
		}
		keyed = got
		if !listed {
			staff, listed = c.staff(), true
		}
		matches := MatchName(staff, keyed)
		c.event("", record.NameLookupData{Keyed: keyed, Matches: len(matches), Attempt: try})
		switch {
		case len(matches) == 1:
			_, err := c.play(false, c.media(prompt.KeyNameFound), prompt.Digits(matches[0].Extension))
			return keyed, staff, err
		case len(matches) > 1 && !askedMore:
			askedMore = true
			media = []string{c.media(prompt.KeyNameMore)}
			continue
		case len(matches) == 0 && !missed:
			missed = true
			k := prompt.KeyNameUnknown
			if keyed == "" {
				k = prompt.KeyNoChoice
			}
			keyed = "" // the caller starts again
			media = []string{c.media(k), c.media(prompt.KeyNameInstructions)}
			continue
		}
		_, err = c.play(false, c.media(prompt.KeyNameToDesk))
		return keyed, staff, err
	}
}
