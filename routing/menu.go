package routing

import (
	"errors"
	"strings"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// menuKeys is the menu, in the order it is read out.
var menuKeys = []struct {
	digit  string
	key    prompt.Key
	intent string
}{
	{"1", prompt.KeyMenuOrder, record.IntentOrder},
	{"2", prompt.KeyMenuComplaint, record.IntentComplaint},
	{"3", prompt.KeyMenuSuggestion, record.IntentSuggestion},
	{"4", prompt.KeyMenuExtension, record.IntentPerson},
	{"9", prompt.KeyMenuGeneralManager, record.IntentGeneralManager},
	{"0", prompt.KeyMenuDesk, record.IntentDesk},
}

// menu asks what the caller wants: no input or a wrong key is re-prompted
// twice, then the desk takes the call.
func (c *call) menu() (intent, ext string, fallback bool, err error) {
	media := make([]string, 0, len(menuKeys))
	for _, m := range menuKeys {
		media = append(media, c.media(m.key))
	}
	var bad []string
	for attempt := 0; attempt < 3; attempt++ {
		d, err := c.play(true, media...)
		if err != nil {
			return "", "", false, err
		}
		if d == "" {
			d, err = c.digit(c.e.cfg.MenuTimeout)
			if err != nil && !errors.Is(err, errTimeout) {
				return "", "", false, err
			}
		}
		for _, m := range menuKeys {
			if d != m.digit {
				continue
			}
			intent = m.intent
			if intent == record.IntentPerson {
				ext, err = c.extension()
				if err != nil {
					return "", "", false, err
				}
			}
			c.choose(intent, d, ext, attempt, false)
			return intent, ext, false, nil
		}
		bad = append(bad, d)
		if attempt == 2 {
			break
		}
		k := prompt.KeyInvalidChoice
		if d == "" {
			k = prompt.KeyNoChoice
		}
		if _, err := c.play(true, c.media(k)); err != nil {
			return "", "", false, err
		}
	}
	c.choose(record.IntentDesk, "", "", 3, true)
	c.event("menu_fallback", "", map[string]any{"inputs": bad})
	return record.IntentDesk, "", true, nil
}

func (c *call) choose(intent, digit, ext string, attempt int, fallback bool) {
	data := map[string]any{"intent": intent, "attempt": attempt + 1}
	if digit != "" {
		data["digit"] = digit
	}
	if ext != "" {
		data["extension"] = ext
	}
	if fallback {
		data["fallback"] = true
	}
	c.event("menu_choice", "", data)
	c.path = append(c.path, intent)
	if c.rec.Intent == "" {
		c.rec.Intent = intent
	}
	c.save()
}

// extension collects digits up to # (or a pause).
func (c *call) extension() (string, error) {
	d, err := c.play(true, c.media(prompt.KeyEnterExtension))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for len(b.String()) < 12 {
		if d == "" {
			d, err = c.digit(c.e.cfg.DigitTimeout)
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
	}
	return b.String(), nil
}
