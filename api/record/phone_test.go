package record

import (
	"strings"
	"testing"
)

var phoneCases = []struct {
	name, raw, cc, want string
}{
	{"ChinaMobileNational", "138 1234 5678", "", "+8613812345678"},
	{"ChinaMobileWithDashes", "138-1234-5678", "86", "+8613812345678"},
	{"ChinaMobileE164", "+86 138 1234 5678", "", "+8613812345678"},
	{"ChinaInternational00", "0086 138 1234 5678", "", "+8613812345678"},
	{"ChinaCountryCodeNoPlus", "8613812345678", "", "+8613812345678"},
	{"BeijingLandlineTrunkZero", "(010) 1234-5678", "", "+861012345678"},
	{"ShenzhenLandlineTrunkZero", "0755 8888 9999", "86", "+8675588889999"},
	{"ChinaLocalWithoutAreaCodeKept", "8888 9999", "", "88889999"},
	{"NorthAmericaTenDigits", "(555) 123-4567", "1", "+15551234567"},
	{"NorthAmericaElevenDigits", "1 555 123 4567", "1", "+15551234567"},
	{"NorthAmericaE164", "+1-555-123-4567", "86", "+15551234567"},
	{"OtherCountryTrunkZero", "020 7946 0018", "44", "+442079460018"},
	{"OtherCountryWithPlusCC", "020 7946 0018", "+44", "+442079460018"},
	{"ExtensionKept", "2001", "", "2001"},
	{"SixDigitExtensionKept", "200123", "", "200123"},
	{"DotsAndSlashes", "138.1234/5678", "", "+8613812345678"},
	{"SurroundingSpaces", "  +8613812345678\t", "", "+8613812345678"},
	{"Empty", "", "", ""},
	{"OnlySeparators", " - ", "", "-"},
	{"AnonymousKept", "anonymous", "", "anonymous"},
	{"SIPURIKept", "sip:2001@pbx", "", "sip:2001@pbx"},
	{"PlusInMiddleKept", "138+1234", "", "138+1234"},
	{"BadCountryCodeFallsBackToChina", "13812345678", "x1", "+8613812345678"},
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range phoneCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizePhone(tc.raw, tc.cc); got != tc.want {
				t.Errorf("NormalizePhone(%q, %q) = %q, want %q", tc.raw, tc.cc, got, tc.want)
			}
		})
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, tc := range phoneCases {
		f.Add(tc.raw, tc.cc)
	}
	f.Fuzz(func(t *testing.T, raw, cc string) {
		got := NormalizePhone(raw, cc)
		if again := NormalizePhone(got, cc); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, got, again)
		}
		if len(got) > len(raw)+len(cc)+len(DefaultCountryCode)+1 {
			t.Fatalf("result %q longer than input %q could make", got, raw)
		}
		if strings.HasPrefix(got, "+") && allDigits(got[1:]) && len(got) > 1 {
			return // E.164 shape
		}
		if got != strings.TrimSpace(raw) && !allDigits(got) {
			t.Fatalf("%q -> %q: neither E.164, digits, nor the input kept", raw, got)
		}
	})
}
