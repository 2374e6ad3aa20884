package routing

import (
	"strings"
	"time"

	"callsvc/api/record"
	"callsvc/routing/calendar"
	"callsvc/routing/prompt"
)

// Greeter builds the opening words (S2, S3).
//
// Time-of-day boundaries, in Location: before 12:00 is morning (早上好),
// from 12:00 up to 18:00 afternoon (下午好), from 18:00 evening (晚上好).
// On a holiday of Calendar the holiday form replaces them: 新年快樂 for
// 元旦/春節/New Year's Day, 聖誕快樂 for Christmas, 節日快樂 otherwise
// (observed stand-in days are not greeted). Without TimeOfDay and without a
// holiday the plain 您好 is used.
type Greeter struct {
	Location  *time.Location    // nil: UTC
	Calendar  calendar.Calendar // nil: no holiday forms
	TimeOfDay bool              // use 早上好/下午好/晚上好 instead of 您好
	Catalogue *prompt.Catalogue // optional: fills Greeting.Text
}

// Greeting is what to play and why.
type Greeting struct {
	Form    prompt.Key // hello, good_morning..., happy_new_year...
	Holiday string     // the festival greeted, if any
	Named   bool       // S3: the caller is addressed by surname and title
	Media   []string   // in order
	Text    string     // the words, for the call record (needs Catalogue)
}

// The boundaries of the time-of-day forms, as durations after local midnight.
const (
	afternoonFrom = 12 * time.Hour
	eveningFrom   = 18 * time.Hour
)

// Greet returns the greeting for a call arriving at now. cust is the known
// caller (nil when the number is not on file).
func (g Greeter) Greet(now time.Time, lang prompt.Lang, cust *record.Customer) Greeting {
	loc := g.Location
	if loc == nil {
		loc = time.UTC
	}
	gr := Greeting{}
	gr.Form, gr.Holiday = g.form(now.In(loc))
	name, nameText, named := g.name(lang, cust)
	gr.Named = named
	form := []string{prompt.Media(lang, gr.Form)}
	words := []string{g.text(lang, gr.Form)}
	if nameText != "" {
		// English puts the name after the greeting, Mandarin before it.
		if lang == prompt.EN {
			words = append(words, nameText)
		} else {
			words = append([]string{nameText}, words...)
		}
	}
	if lang == prompt.EN {
		gr.Media = append(form, name...)
	} else {
		gr.Media = append(name, form...)
	}
	gr.Media = append(gr.Media, prompt.Media(lang, prompt.KeyThisIs), prompt.Media(lang, prompt.KeyCompanyName))
	words = append(words, g.text(lang, prompt.KeyThisIs)+" "+g.text(lang, prompt.KeyCompanyName))
	if g.Catalogue != nil {
		gr.Text = strings.Join(words, ", ")
	}
	return gr
}

// form is the greeting's form at local (a holiday's, the time of day's,
// or the plain hello) and the festival greeted, if any.
func (g Greeter) form(local time.Time) (prompt.Key, string) {
	form := prompt.KeyHello
	if g.TimeOfDay {
		form = timeOfDayForm(local)
	}
	if g.Calendar == nil {
		return form, ""
	}
	h, ok := g.Calendar.Day(calendar.DateOf(local)).Festival()
	if !ok {
		return form, ""
	}
	switch h.Kind {
	case calendar.KindNewYear:
		return prompt.KeyHappyNewYear, h.Name
	case calendar.KindChristmas:
		return prompt.KeyMerryChristmas, h.Name
	}
	return prompt.KeyHappyHolidays, h.Name
}

// name is the caller's surname and title in lang's order (S3), only when
// both are known and speakable: the media and the words.
func (g Greeter) name(lang prompt.Lang, cust *record.Customer) (media []string, text string, ok bool) {
	if cust == nil {
		return nil, "", false
	}
	sm, okS := prompt.SurnameMedia(cust.Surname)
	tk, okT := prompt.TitleKey(cust.Title)
	if !okS || !okT {
		return nil, "", false
	}
	if lang == prompt.EN {
		return []string{prompt.Media(lang, tk), sm}, g.text(lang, tk) + " " + strings.TrimSpace(cust.Surname), true
	}
	return []string{sm, prompt.Media(lang, tk)}, strings.TrimSpace(cust.Surname) + g.text(lang, tk), true
}

func (g Greeter) text(lang prompt.Lang, k prompt.Key) string {
	if g.Catalogue == nil {
		return string(k)
	}
	t, _ := g.Catalogue.Text(lang, k)
	return t
}

func timeOfDayForm(local time.Time) prompt.Key {
	y, m, d := local.Date()
	since := local.Sub(time.Date(y, m, d, 0, 0, 0, 0, local.Location()))
	switch {
	case since < afternoonFrom:
		return prompt.KeyGoodMorning
	case since < eveningFrom:
		return prompt.KeyGoodAfternoon
	default:
		return prompt.KeyGoodEvening
	}
}
