package prompt

import (
	"strings"
	"testing"
)

// S20: every standard phrase exists in both languages.
func TestEveryKeyHasBothLanguages(t *testing.T) {
	cat := Standard("示例貿易公司")
	if miss := cat.Missing(Langs...); len(miss) > 0 {
		t.Fatalf("keys without text: %v", miss)
	}
	if len(cat.Keys()) < 40 {
		t.Fatalf("catalogue has %d keys; the standard phrases alone are more", len(cat.Keys()))
	}
}

// S20: the standards' own wording is used verbatim.
func TestStandardPhrasesVerbatim(t *testing.T) {
	cat := Standard("")
	want := map[Key]string{
		KeyHello:            "您好",
		KeyAskSurname:       "請問您貴姓?",
		KeyAskNeed:          "請問您需要我為您做點什麼?",
		KeyPleaseWait:       "請您稍等片刻",
		KeyGladToServe:      "很高興能為您服務",
		KeySorryToKeepWait:  "對不起, 讓您久等了",
		KeySorryPleaseWait:  "對不起, 請稍等",
		KeyThanksForCalling: "謝謝您打電話來",
		KeyGoodMorning:      "早上好",
		KeyGoodAfternoon:    "下午好",
		KeyGoodEvening:      "晚上好",
		KeyHappyHolidays:    "節日快樂",
		KeyHappyNewYear:     "新年快樂",
		KeyMerryChristmas:   "聖誕快樂",
		KeyAwayOffer:        "暫時不在辦公室, 有什麼事可以代勞呢?",
	}
	for k, w := range want {
		if got, _ := cat.Text(ZH, k); got != w {
			t.Errorf("%s: zh = %q, want %q", k, got, w)
		}
	}
}

// S18, S20: no prompt uses the forbidden phrasing, in either script.
func TestNoForbiddenPhrasing(t *testing.T) {
	forbidden := []string{
		"not in yet", "haven't seen", "have not seen", "not at work", "i don't know", "i do not know",
		"還沒來", "还没来", "沒看見", "没看见", "沒上班", "没上班", "不知道",
	}
	cat := Standard("Acme")
	for _, k := range cat.Keys() {
		for _, l := range Langs {
			text, _ := cat.Text(l, k)
			for _, f := range forbidden {
				if strings.Contains(strings.ToLower(text), f) {
					t.Errorf("%s/%s says %q: %q", l, k, f, text)
				}
			}
		}
	}
}

func TestCompanyNameFilledIn(t *testing.T) {
	for _, tc := range []struct{ name, company, zh, en string }{
		{"Given", "示例貿易公司", "示例貿易公司", "示例貿易公司"},
		{"EmptyFallsBackToNeutralWords", "  ", "本公司", "our company"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat := Standard(tc.company)
			zh, _ := cat.Text(ZH, KeyCompanyName)
			en, _ := cat.Text(EN, KeyCompanyName)
			if zh != tc.zh || en != tc.en {
				t.Fatalf("company_name = %q / %q, want %q / %q", zh, en, tc.zh, tc.en)
			}
		})
	}
}

func TestMediaURIs(t *testing.T) {
	for _, tc := range []struct{ name, got, want string }{
		{"SoundPerLanguage", Media(ZH, KeyGoodbye), "sound:callsvc/zh/goodbye"},
		{"English", Media(EN, KeyMenuDesk), "sound:callsvc/en/menu_desk"},
		{"Number", Number(42), "number:42"},
		{"DigitsDropsPunctuation", Digits("+86 (10) 2001#"), "digits:86102001#"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if m, ok := SurnameMedia("張"); !ok || m != "sound:callsvc/names/surname_5f35" {
		t.Errorf("SurnameMedia(張) = %q, %v", m, ok)
	}
	if _, ok := SurnameMedia(" "); ok {
		t.Error("blank surname gave media")
	}
}

func TestParseLang(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Lang
		wantErr bool
	}{
		{"zh", ZH, false}, {"zh-CN", ZH, false}, {"cmn", ZH, false}, {"EN", EN, false},
		{"en_US", EN, false}, {"fr", "", true}, {"", "", true},
	} {
		got, err := ParseLang(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseLang(%q) = %q, %v", tc.in, got, err)
		}
	}
}

func TestTitleKey(t *testing.T) {
	for in, want := range map[string]Key{"先生": KeyTitleMr, "Mr.": KeyTitleMr, "女士": KeyTitleMs, "經理": KeyTitleManager} {
		if got, ok := TitleKey(in); !ok || got != want {
			t.Errorf("TitleKey(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := TitleKey("教授"); ok {
		t.Error("unknown title accepted")
	}
}
