package record

import (
	"strings"
	"unicode"
)

// Bounds of a directory entry.
const (
	MaxStaffName      = 200 // bytes
	MaxDepartment     = 64  // bytes
	MaxSkill          = 32  // bytes
	MaxSkills         = 32  // entries
	MaxExtensionDigit = 10  // digits of an extension
	MaxEndpoint       = 100 // bytes
)

// CheckStaff applies the rules a directory entry must meet wherever it
// enters: the API, the store, and the dialplan renderer that writes it into
// Asterisk's configuration. They are one set, here, so nothing the API
// accepts is refused (or, worse, taken as code) by the renderer.
//
//   - Name, department and skills are plain text: letters, marks, digits,
//     single spaces and . ' ’ - · ・ ( ) , & only. Nothing Asterisk reads
//     as syntax ($ { } [ ] ; " < > \ |) and no control characters.
//   - Extension: 1 to 10 digits.
//   - Endpoint: PJSIP/name (name of letters, digits, . _ -, starting with a
//     letter or digit) or Local/exten@context[/n]; chan_sip ("SIP/") is
//     gone since Asterisk 21.
//   - Spelling: as NormalizeSpelling accepts.
//
// Whether a department is required, and the role, are the caller's rules.
func CheckStaff(s Staff) error {
	if s.Name == "" {
		return Errorf(EInvalid, "name: is required")
	}
	if err := checkLabel("name", s.Name, MaxStaffName); err != nil {
		return err
	}
	if !isDigits(s.Extension, MaxExtensionDigit) {
		return Errorf(EInvalid, "extension: must be 1 to %d digits only", MaxExtensionDigit)
	}
	if err := CheckEndpoint(s.Endpoint); err != nil {
		return err
	}
	if s.Department != "" {
		if err := checkLabel("department", s.Department, MaxDepartment); err != nil {
			return err
		}
	}
	if len(s.Skills) > MaxSkills {
		return Errorf(EInvalid, "skills: has more than %d entries", MaxSkills)
	}
	for _, sk := range s.Skills {
		if sk == "" {
			return Errorf(EInvalid, "skills: an entry is empty")
		}
		if err := checkLabel("skills", sk, MaxSkill); err != nil {
			return err
		}
	}
	if _, err := NormalizeSpelling(s.Spelling); err != nil {
		return err
	}
	return nil
}

// CheckEndpoint checks an Asterisk endpoint as CheckStaff does.
func CheckEndpoint(ep string) error {
	tech, res, ok := strings.Cut(ep, "/")
	switch {
	case ep == "":
		return Errorf(EInvalid, "endpoint: is required, e.g. PJSIP/2001")
	case len(ep) > MaxEndpoint:
		return Errorf(EInvalid, "endpoint: is longer than %d bytes", MaxEndpoint)
	case !ok || tech == "" || res == "":
		return Errorf(EInvalid, "endpoint: want TECH/RESOURCE, e.g. PJSIP/2001")
	case strings.EqualFold(tech, "SIP"):
		return Errorf(EInvalid, "endpoint: chan_sip is gone since Asterisk 21; use PJSIP/%s", safeEcho(res))
	case strings.EqualFold(tech, "PJSIP"):
		if !isObjectName(res) {
			return Errorf(EInvalid, "endpoint: a PJSIP name is letters, digits, . _ and - (no spaces, commas, semicolons or parentheses)")
		}
	case tech == "Local":
		exten, rest, ok := strings.Cut(res, "@")
		ctx, opt, _ := strings.Cut(rest, "/")
		if !ok || !isLocalExten(exten) || !isContextName(ctx) || (opt != "" && opt != "n") {
			return Errorf(EInvalid, "endpoint: want Local/EXTEN@CONTEXT (no spaces, commas, semicolons or parentheses)")
		}
	default:
		return Errorf(EInvalid, "endpoint: only PJSIP/... and Local/... endpoints are supported")
	}
	return nil
}

// checkLabel is CheckText for a single line, and only the characters of
// names: what cannot be read as configuration syntax anywhere.
func checkLabel(field, s string, max int) error {
	if err := CheckText(field, s, max, false); err != nil {
		return err
	}
	if strings.TrimSpace(s) != s || strings.Contains(s, "  ") {
		return Errorf(EInvalid, "%s: no leading, trailing or double spaces", field)
	}
	for _, r := range s {
		if !isLabelRune(r) {
			return Errorf(EInvalid, "%s: %q is not allowed: use letters, digits, spaces and . ' - ( ) , &", field, r)
		}
	}
	return nil
}

func isLabelRune(r rune) bool {
	switch {
	case unicode.IsLetter(r), unicode.IsMark(r), unicode.IsDigit(r):
		return true
	case r == ' ', strings.ContainsRune(".'’-·・(),&", r):
		return true
	}
	return false
}

func isDigits(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isObjectName: a PJSIP object name (section name in pjsip.conf).
func isObjectName(s string) bool {
	if s == "" || !isAlnum(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

func isLocalExten(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && !strings.ContainsRune("*#+_.-", rune(s[i])) {
			return false
		}
	}
	return true
}

func isContextName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// safeEcho keeps an echoed value harmless in a message: object-name
// characters only, else a placeholder.
func safeEcho(s string) string {
	if isObjectName(s) {
		return s
	}
	return "NAME"
}
