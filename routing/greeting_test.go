package routing

import (
	"testing"
	"time"

	"callsvc/api/record"
	"callsvc/routing/calendar"
	"callsvc/routing/prompt"

	"github.com/google/go-cmp/cmp"
)

var shanghai = time.FixedZone("CST", 8*3600)

func zh(k prompt.Key) string { return prompt.Media(prompt.ZH, k) }
func en(k prompt.Key) string { return prompt.Media(prompt.EN, k) }

// S2: time-of-day and holiday forms replace the plain 您好; S3: the known
// caller's surname and title come first.
func TestS2S3Greeting(t *testing.T) {
	g := Greeter{
		Location:  shanghai,
		Calendar:  calendar.Combine(calendar.China(), calendar.UnitedStates()),
		TimeOfDay: true,
		Catalogue: prompt.Standard("示例貿易公司"),
	}
	zhang := &record.Customer{Surname: "張", Title: "先生"}
	at := func(m time.Month, d, hh, mm int) time.Time { return time.Date(2026, m, d, hh, mm, 0, 0, shanghai) }
	tail := []string{zh(prompt.KeyThisIs), zh(prompt.KeyCompanyName)}
	for _, tc := range []struct {
		name  string
		now   time.Time
		lang  prompt.Lang
		cust  *record.Customer
		form  prompt.Key
		media []string
		text  string
	}{
		{"MorningJustBeforeNoon", at(11, 27, 11, 59), prompt.ZH, nil, prompt.KeyGoodMorning,
			append([]string{zh(prompt.KeyGoodMorning)}, tail...), "早上好, 這裡是 示例貿易公司"},
		{"AfternoonAtNoon", at(11, 27, 12, 0), prompt.ZH, nil, prompt.KeyGoodAfternoon,
			append([]string{zh(prompt.KeyGoodAfternoon)}, tail...), "下午好, 這裡是 示例貿易公司"},
		{"EveningAtSix", at(11, 27, 18, 0), prompt.ZH, nil, prompt.KeyGoodEvening,
			append([]string{zh(prompt.KeyGoodEvening)}, tail...), "晚上好, 這裡是 示例貿易公司"},
		{"KnownCustomerBySurnameAndTitle", at(11, 27, 9, 0), prompt.ZH, zhang, prompt.KeyGoodMorning,
			append([]string{"sound:callsvc/names/surname_5f35", zh(prompt.KeyTitleMr), zh(prompt.KeyGoodMorning)}, tail...),
			"張先生, 早上好, 這裡是 示例貿易公司"},
		{"SpringFestivalNewYear", at(2, 17, 10, 0), prompt.ZH, nil, prompt.KeyHappyNewYear,
			append([]string{zh(prompt.KeyHappyNewYear)}, tail...), "新年快樂, 這裡是 示例貿易公司"},
		{"NationalDayHolidayForm", at(10, 2, 15, 0), prompt.ZH, nil, prompt.KeyHappyHolidays,
			append([]string{zh(prompt.KeyHappyHolidays)}, tail...), "節日快樂, 這裡是 示例貿易公司"},
		{"ChristmasInShanghaiLocalDate", at(12, 25, 20, 0), prompt.ZH, nil, prompt.KeyMerryChristmas,
			append([]string{zh(prompt.KeyMerryChristmas)}, tail...), "聖誕快樂, 這裡是 示例貿易公司"},
		{"EnglishNameAfterForm", at(11, 27, 14, 0), prompt.EN, zhang, prompt.KeyGoodAfternoon,
			[]string{en(prompt.KeyGoodAfternoon), en(prompt.KeyTitleMr), "sound:callsvc/names/surname_5f35", en(prompt.KeyThisIs), en(prompt.KeyCompanyName)},
			"Good afternoon, Mister 張, this is 示例貿易公司"},
		{"UnknownTitleNotNamed", at(11, 27, 9, 0), prompt.ZH, &record.Customer{Surname: "李", Title: "教授"}, prompt.KeyGoodMorning,
			append([]string{zh(prompt.KeyGoodMorning)}, tail...), "早上好, 這裡是 示例貿易公司"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gr := g.Greet(tc.now.UTC(), tc.lang, tc.cust)
			if gr.Form != tc.form {
				t.Errorf("form = %s, want %s", gr.Form, tc.form)
			}
			if d := cmp.Diff(tc.media, gr.Media); d != "" {
				t.Errorf("media (-want +got):\n%s", d)
			}
			if gr.Text != tc.text {
				t.Errorf("text = %q, want %q", gr.Text, tc.text)
			}
		})
	}
}

// S2: without time-of-day forms and outside holidays, the plain 您好.
func TestS2PlainHello(t *testing.T) {
	gr := Greeter{}.Greet(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), prompt.ZH, nil)
	want := []string{zh(prompt.KeyHello), zh(prompt.KeyThisIs), zh(prompt.KeyCompanyName)}
	if d := cmp.Diff(want, gr.Media); d != "" {
		t.Fatalf("media (-want +got):\n%s", d)
	}
}
