package postgres_test

import (
	"testing"

	"callsvc/api/record"
)

// A spelling is stored normalised, survives an update, can be cleared, and
// a bad one is refused with nothing written.
func TestStaffSpelling(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	s, err := st.CreateStaff(ctx, record.Staff{Name: "王芳", Extension: "2001", Department: "sales", Active: true, Spelling: "  Wang   FANG "})
	if err != nil {
		t.Fatal(err)
	}
	if s.Spelling != "wang fang" {
		t.Fatalf("created spelling %q, want %q", s.Spelling, "wang fang")
	}
	got, err := st.GetStaff(ctx, s.ID)
	if err != nil || got.Spelling != "wang fang" {
		t.Fatalf("get: %q, %v", got.Spelling, err)
	}

	for name, bad := range map[string]string{
		"ToneMarks": "wáng fāng",
		"Hanzi":     "王芳",
		"Digits":    "wang2",
		"TooLong":   "abcdefghij bcdefghij bcdefghij bcdefghij bcdefghij bcdefghij bcdefghij",
	} {
		u := s
		u.Spelling = bad
		if _, err := st.UpdateStaff(ctx, u); record.ErrorCode(err) != record.EInvalid {
			t.Errorf("%s: %v, want %s", name, err, record.EInvalid)
		}
	}
	if got, _ := st.GetStaff(ctx, s.ID); got.Spelling != "wang fang" {
		t.Fatalf("a refused update changed the spelling to %q", got.Spelling)
	}

	s.Spelling = "Fang Wang"
	if s, err = st.UpdateStaff(ctx, s); err != nil || s.Spelling != "fang wang" {
		t.Fatalf("update: %q, %v", s.Spelling, err)
	}
	s.Spelling = ""
	if s, err = st.UpdateStaff(ctx, s); err != nil || s.Spelling != "" {
		t.Fatalf("clear: %q, %v", s.Spelling, err)
	}
	page, _, err := st.ListStaff(ctx, record.ListQuery{Limit: 10})
	if err != nil || len(page) != 1 || page[0].Spelling != "" {
		t.Fatalf("list: %+v, %v", page, err)
	}
}
