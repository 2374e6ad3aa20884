package record

import (
	"strings"
	"unicode"
)

// DefaultCountryCode is used by NormalizePhone when no country code is given:
// the company's line is in China.
const DefaultCountryCode = "86"

// NormalizePhone returns raw as an E.164 number ("+8613812345678") where it
// can tell the country, so the same caller is recognised however the number
// was written or presented by the carrier.
//
//   - spaces, dashes, dots, slashes and parentheses are removed;
//   - a leading "+" or international "00" prefix keeps the number as given;
//   - digit strings of up to six digits are internal extensions, kept as is;
//   - national numbers get defaultCountryCode ("86" when empty): for China a
//     leading trunk "0" is dropped ("010 1234 5678" -> "+861012345678") and an
//     11-digit mobile number starting with 1 is prefixed; for North America
//     ("1") ten digits, or eleven starting with 1, are prefixed; elsewhere a
//     leading trunk "0" is dropped;
//   - Chinese local numbers without an area code (7 to 10 digits, no trunk
//     prefix) cannot be placed and are returned as bare digits.
//
// Anything that is not a phone number (letters, a SIP URI, "anonymous") is
// returned trimmed but otherwise unchanged, so nothing the caller sent is
// lost. NormalizePhone is idempotent: normalising its result changes nothing.
func NormalizePhone(raw, defaultCountryCode string) string {
	trimmed := strings.TrimSpace(raw)
	cc := strings.TrimPrefix(strings.TrimSpace(defaultCountryCode), "+")
	if cc == "" || !allDigits(cc) {
		cc = DefaultCountryCode
	}
	var b strings.Builder
	plus := false
	for i, r := range trimmed {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == '-' || r == '(' || r == ')' || r == '.' || r == '/' || unicode.IsSpace(r):
			// Separators people and carriers put in numbers.
		default:
			return trimmed
		}
	}
	d := b.String()
	switch {
	case d == "":
		return trimmed
	case plus:
		return "+" + d
	case strings.HasPrefix(d, "00") && len(d) > 2:
		return "+" + d[2:]
	case len(d) <= 6:
		return d
	}
	switch cc {
	case "86":
		switch {
		case d[0] == '0':
			return "+86" + d[1:]
		case len(d) == 11 && d[0] == '1':
			return "+86" + d
		case len(d) >= 12 && strings.HasPrefix(d, "86"):
			return "+" + d
		default:
			return d
		}
	case "1":
		switch {
		case len(d) == 10:
			return "+1" + d
		case len(d) == 11 && d[0] == '1':
			return "+" + d
		default:
			return d
		}
	default:
		if d[0] == '0' {
			return "+" + cc + d[1:]
		}
		if strings.HasPrefix(d, cc) && len(d) > 10 {
			return "+" + d
		}
		return "+" + cc + d
	}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
