package routing

import (
	"errors"
	"strings"
	"time"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// Ways to ask for a person at the menu, recorded as menu_choice "by".
const (
	viaExtension = "extension"
	viaName      = "name"
)

// menuKeys is the menu, in the order it is read out.
var menuKeys = []struct {
	digit  string
	key    prompt.Key
	intent string
	by     string // for IntentPerson: how the person is asked for
}{
	{"1", prompt.KeyMenuOrder, record.IntentOrder, ""},
	{"2", prompt.KeyMenuComplaint, record.IntentComplaint, ""},
	{"3", prompt.KeyMenuSuggestion, record.IntentSuggestion, ""},
	{"4", prompt.KeyMenuExtension, record.IntentPerson, viaExtension},
	{"5", prompt.KeyMenuName, record.IntentPerson, viaName},
	{"9", prompt.KeyMenuGeneralManager, record.IntentGeneralManager, ""},
	{"0", prompt.KeyMenuDesk, record.IntentDesk, ""},
}

// choice is what the caller chose at the menu.
type choice struct {
	intent   string
	ext      string // a person by extension
	byName   bool   // a person by name ...
	nameKeys string // ... the keypad digits keyed (see MatchName)
	fallback bool   // no or bad input: the desk
	// staff is the directory as the name match read it; the decision
	// reuses it (nil: handle reads the directory).
	staff []record.Staff
}

// menu asks what the caller wants: no input or a wrong key is re-prompted
// twice, then the desk takes the call.
func (c *call) menu() (choice, error) {
	media := make([]string, 0, len(menuKeys))
	for _, m := range menuKeys {
		media = append(media, c.media(m.key))
	}
	var bad []string
	for attempt := 0; attempt < 3; attempt++ {
		d, err := c.ask(media...)
		if err != nil {
			return choice{}, err
		}
		for _, m := range menuKeys {
			if d == m.digit {
				return c.chosen(m.intent, m.by, d, attempt)
			}
		}
		bad = append(bad, d)
		if attempt == 2 {
			break
		}
		if _, err := c.play(true, c.tryAgain(d)); err != nil {
			return choice{}, err
		}
	}
	ch := choice{intent: record.IntentDesk, fallback: true}
	c.choose(ch, "", "", 3)
	c.event("", record.MenuFallbackData{Inputs: bad})
	return ch, nil
}

// chosen takes the caller's menu choice (digit d, for intent): a person
// asked for (by) is keyed in next.
func (c *call) chosen(intent, by, d string, attempt int) (choice, error) {
	ch := choice{intent: intent}
	var err error
	switch by {
	case viaExtension:
		ch.ext, err = c.extension()
	case viaName:
		ch.byName = true
		ch.nameKeys, ch.staff, err = c.name()
	}
	if err != nil {
		return choice{}, err
	}
	c.choose(ch, by, d, attempt)
	return ch, nil
}

// ask plays media, stopped by the first key, and without one waits up to
// MenuTimeout for it: the key, or "" when none came.
func (c *call) ask(media ...string) (string, error) {
	d, err := c.play(true, media...)
	if err != nil || d != "" {
		return d, err
	}
	d, err = c.digit(c.e.cfg.MenuTimeout)
	if errors.Is(err, errTimeout) {
		return "", nil
	}
	return d, err
}

// tryAgain is what a caller hears who pressed d, no option: no choice
// ("") or a wrong key.
func (c *call) tryAgain(d string) string {
	if d == "" {
		return c.media(prompt.KeyNoChoice)
	}
	return c.media(prompt.KeyInvalidChoice)
}

func (c *call) choose(ch choice, by, digit string, attempt int) {
	data := record.MenuChoiceData{Intent: ch.intent, Attempt: attempt + 1, Digit: digit, By: by,
		Extension: ch.ext, Fallback: ch.fallback}
	if ch.byName {
		data.Keyed = new(ch.nameKeys) // even none keyed
	}
	c.event("", data)
	c.carried.path = append(c.carried.path, ch.intent)
	if c.rec.Intent == "" {
		c.rec.Intent = ch.intent
	}
	c.save()
}

// extension collects digits up to # (or a pause).
func (c *call) extension() (string, error) {
	d, err := c.play(true, c.media(prompt.KeyEnterExtension))
	if err != nil {
		return "", err
	}
	return c.keys(d, c.e.cfg.DigitTimeout, 12)
}

// keys collects up to max keys, first (a key pressed during the prompt)
// included, until # or a pause: wait for the first key, then DigitTimeout
// between keys.
func (c *call) keys(first string, wait time.Duration, max int) (string, error) {
	d := first
	var b strings.Builder
	for b.Len() < max {
		if d == "" {
			var err error
			d, err = c.digit(wait)
			if errors.Is(err, errTimeout) {
				break
			}
			if err != nil {
				return "", err
			}
		}
		if d == "#" {
			break
		}
		b.WriteString(d)
		d = ""
		wait = c.e.cfg.DigitTimeout
	}
	return b.String(), nil
}
