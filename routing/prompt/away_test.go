package prompt

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var cst = time.FixedZone("CST", 8*3600)

// S18: a return time is read as a rough time of day, as people say it.
func TestTimeOfDay(t *testing.T) {
	today := time.Date(2026, 11, 27, 10, 0, 0, 0, cst)
	zh := func(k Key) string { return Media(ZH, k) }
	en := func(k Key) string { return Media(EN, k) }
	cases := []struct {
		name string
		lang Lang
		at   time.Time
		want []string
	}{
		{"HalfPastThreeInTheAfternoon", ZH, time.Date(2026, 11, 27, 15, 30, 0, 0, cst),
			[]string{zh(KeyTimeAfternoon), "number:3", zh(KeyTimeOClock), zh(KeyTimeHalf)}},
		{"RoundedUpToFiveMinutes", ZH, time.Date(2026, 11, 27, 11, 12, 40, 0, cst),
			[]string{zh(KeyTimeMorning), "number:11", zh(KeyTimeOClock), "number:15", zh(KeyTimeMinutes)}},
		{"NoonIsTwelveInTheAfternoon", ZH, time.Date(2026, 11, 27, 12, 0, 0, 0, cst),
			[]string{zh(KeyTimeAfternoon), "number:12", zh(KeyTimeOClock)}},
		{"TomorrowMorning", ZH, time.Date(2026, 11, 28, 9, 0, 0, 0, cst),
			[]string{zh(KeyTimeTomorrow), zh(KeyTimeMorning), "number:9", zh(KeyTimeOClock)}},
		{"EnglishOrder", EN, time.Date(2026, 11, 27, 19, 30, 0, 0, cst),
			[]string{"number:7", en(KeyTimeHalf), en(KeyTimeEvening)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := TimeOfDay(c.lang, c.at, today)
			if !ok {
				t.Fatal("not said")
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Fatalf("media (-want +got):\n%s", d)
			}
		})
	}
	if _, ok := TimeOfDay(ZH, today.AddDate(0, 0, 3), today); ok {
		t.Fatal("a return three days ahead is said as a time of day")
	}
}

// S18: only known places are said; free text is left out.
func TestPlaceKey(t *testing.T) {
	for where, want := range map[string]Key{"the Pudong warehouse": KeyPlaceWarehouse, "客戶公司": KeyPlaceCustomer,
		"出差 北京": KeyPlaceTrip, "Bank of China": KeyPlaceBank} {
		if got, ok := PlaceKey(where); !ok || got != want {
			t.Errorf("PlaceKey(%q) = %q, %v; want %q", where, got, ok, want)
		}
	}
	for _, where := range []string{"", "  ", "Mrs Wang's birthday lunch", "somewhere"} {
		if k, ok := PlaceKey(where); ok {
			t.Errorf("PlaceKey(%q) = %q: free text said", where, k)
		}
	}
}

// S16-S19: every away prompt is in both languages and never says "not in
// yet", "haven't seen them" or "not at work" (the catalogue-wide check
// covers them too; this names the away keys so none is left out).
func TestAwayPromptsWording(t *testing.T) {
	cat := Standard("")
	forbidden := []string{"not in yet", "haven't seen", "have not seen", "not at work", "還沒來", "还没来", "沒看見", "没看见", "沒上班", "没上班", "不知道"}
	for k := range awayTexts {
		for _, l := range Langs {
			text, ok := cat.Text(l, k)
			if !ok {
				t.Errorf("%s/%s missing", l, k)
			}
			for _, f := range forbidden {
				if strings.Contains(strings.ToLower(text), f) {
					t.Errorf("%s/%s says %q", l, k, f)
				}
			}
		}
	}
	if got, _ := cat.Text(ZH, KeyAwayOut); got != "暫時不在辦公室" {
		t.Errorf("S18 wording: %q", got)
	}
}

func FuzzPlaceKey(f *testing.F) {
	for _, s := range []string{"the Pudong warehouse", "客戶公司", "", "出差"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, where string) {
		if k, ok := PlaceKey(where); ok != (k != "") {
			t.Fatalf("PlaceKey(%q) = %q, %v", where, k, ok)
		}
	})
}
