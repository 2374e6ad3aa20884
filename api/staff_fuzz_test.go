package api

import (
	"testing"

	"callsvc/api/record"
)

// staffSeeds are the table cases of the staff body, spelling included.
var staffSeeds = []string{
	`{"name":"王芳","extension":"2001","endpoint":"PJSIP/2001","department":"sales","role":"agent","spelling":"wang fang"}`,
	`{"name":"王芳","extension":"2001","endpoint":"PJSIP/2001","department":"sales","role":"agent","spelling":"  Wang   FANG "}`,
	`{"name":"李娜","extension":"2002","endpoint":"PJSIP/2002","department":"desk","role":"supervisor","active":false,"skills":["zh","en"]}`,
	`{"name":"王芳","extension":"2001","endpoint":"PJSIP/2001","department":"sales","role":"agent","spelling":"wáng fāng"}`,
	`{"name":"王芳","extension":"2001","endpoint":"PJSIP/2001","department":"sales","role":"agent","spelling":"王芳"}`,
	`{"name":"王芳","extension":"2001","endpoint":"PJSIP/2001","department":"sales","role":"agent","spelling":7}`,
	`{"name":"王","extension":"ab","endpoint":"PJSIP/2001","department":"desk","role":"agent"}`,
}

// FuzzDecodeStaff: any body either decodes to a valid entry (spelling in
// its stored form) or is refused as invalid, never anything else.
func FuzzDecodeStaff(f *testing.F) {
	for _, s := range staffSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := decodeStaff(data)
		if err != nil {
			if c := record.ErrorCode(err); c != record.EInvalid {
				t.Fatalf("error code %q (%v), want %q", c, err, record.EInvalid)
			}
			return
		}
		norm, nerr := record.NormalizeSpelling(s.Spelling)
		if nerr != nil || norm != s.Spelling {
			t.Fatalf("accepted spelling %q is not in stored form (%q, %v)", s.Spelling, norm, nerr)
		}
		if err := record.CheckStaff(s); err != nil {
			t.Fatalf("accepted an entry the renderer refuses: %+v: %v", s, err)
		}
	})
}

func TestDecodeStaffSpelling(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
		ok               bool
	}{
		{"Plain", staffSeeds[0], "wang fang", true},
		{"Normalised", staffSeeds[1], "wang fang", true},
		{"Absent", staffSeeds[2], "", true},
		{"ToneMarks", staffSeeds[3], "", false},
		{"Hanzi", staffSeeds[4], "", false},
		{"NotAString", staffSeeds[5], "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := decodeStaff([]byte(tc.body))
			if (err == nil) != tc.ok || (tc.ok && s.Spelling != tc.want) {
				t.Fatalf("got %q, %v; want %q ok=%v", s.Spelling, err, tc.want, tc.ok)
			}
			if err != nil && record.ErrorCode(err) != record.EInvalid {
				t.Fatalf("code %q", record.ErrorCode(err))
			}
		})
	}
}
