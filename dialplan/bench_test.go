package dialplan

import (
	"bytes"
	"fmt"
	"testing"

	"callsvc/api/record"
)

// BenchmarkRender500 renders a 500-person directory (all five files,
// parsed and checked before they are returned).
func BenchmarkRender500(b *testing.B) {
	staff := make([]record.Staff, 500)
	for i := range staff {
		ext := fmt.Sprint(3000 + i)
		staff[i] = record.Staff{ID: ext, Name: "Person " + ext, Extension: ext, Endpoint: "PJSIP/" + ext, Department: "sales", Active: true}
	}
	s := sampleSettings()
	s.PhoneSecret = HMACSecrets([]byte("a-master-secret-for-benchmarks"))
	b.ReportAllocs()
	for b.Loop() {
		phones, err := Phones(staff, s.PhoneSecret)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Render(s, phones); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParsePJSIP reads the sample pjsip.conf.
func BenchmarkParsePJSIP(b *testing.B) {
	files := map[string][]byte{}
	phones, err := Phones(sampleStaff(), PlaceholderSecrets)
	if err != nil {
		b.Fatal(err)
	}
	out, err := Render(sampleSettings(), phones)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range out {
		files[f.Name] = f.Data
	}
	data := files["pjsip.conf"]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
