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
	local := now.In(loc)
	gr := Greeting{Form: prompt.KeyHello}
	if g.TimeOfDay {
		gr.Form = timeOfDayForm(local)
	}
	if g.Calendar != nil {
		if h, ok := g.Calendar.Day(calendar.DateOf(local)).Festival(); ok {
			gr.Holiday = h.Name
			switch h.Kind {
			case calendar.KindNewYear:
				gr.Form = prompt.KeyHappyNewYear
			case calendar.KindChristmas:
				gr.Form = prompt.KeyMerryChristmas
			default:
				gr.Form = prompt.KeyHappyHolidays
			}
		}
	}

	// S3: surname and title, only when both are known and speakable.
	var name []string
	var nameText string
	if cust != nil {
		sm, okS := prompt.SurnameMedia(cust.Surname)
		tk, okT := prompt.TitleKey(cust.Title)
		if okS && okT {
			gr.Named = true
			if lang == prompt.EN {
				name = []string{prompt.Media(lang, tk), sm}
				nameText = g.text(lang, tk) + " " + strings.TrimSpace(cust.Surname)
			} else {
				name = []string{sm, prompt.Media(lang, tk)}
				nameText = strings.TrimSpace(cust.Surname) + g.text(lang, tk)
			}
		}
	}

	var words []string
	if lang == prompt.EN {
		gr.Media = append(gr.Media, prompt.Media(lang, gr.Form))
		words = append(words, g.text(lang, gr.Form))
		gr.Media = append(gr.Media, name...)
		if nameText != "" {
			words = append(words, nameText)
		}
	} else {
		gr.Media = append(gr.Media, name...)
		if nameText != "" {
			words = append(words, nameText)
		}
		gr.Media = append(gr.Media, prompt.Media(lang, gr.Form))
		words = append(words, g.text(lang, gr.Form))
	}
	gr.Media = append(gr.Media, prompt.Media(lang, prompt.KeyThisIs), prompt.Media(lang, prompt.KeyCompanyName))
	words = append(words, g.text(lang, prompt.KeyThisIs)+" "+g.text(lang, prompt.KeyCompanyName))
	if g.Catalogue != nil {
		gr.Text = strings.Join(words, ", ")
	}
	return gr
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
