package prompt

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Lang is a prompt language.
type Lang string

// The languages of the line. ZH is the default (S2: Mandarin by default).
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Langs lists every language the catalogue must cover.
var Langs = []Lang{ZH, EN}

// ParseLang accepts "zh"/"cmn"/"zh-CN"... and "en"/"en-US"...; anything else
// is an error rather than a silent fall back, so a bad LANGUAGE setting is
// noticed at start.
func ParseLang(s string) (Lang, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	switch {
	case l == "zh" || l == "cmn" || strings.HasPrefix(l, "zh-") || strings.HasPrefix(l, "zh_"):
		return ZH, nil
	case l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_"):
		return EN, nil
	}
	return "", fmt.Errorf("prompt: unknown language %q (want zh or en)", s)
}

// Key names one prompt. Keys are stable: they are file names of the sound
// files and appear in the "heard" lists of tests.
type Key string

// Media is the Asterisk media URI that plays key in lang.
func Media(lang Lang, key Key) string {
	return "sound:callsvc/" + string(lang) + "/" + string(key)
}

// Number is the media that speaks n as a number ("number:" media, in the
// channel's language).
func Number(n int) string { return "number:" + strconv.Itoa(n) }

// Digits is the media that speaks s digit by digit (an extension, a phone
// number). Characters other than 0-9, * and # are dropped.
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if (r >= '0' && r <= '9') || r == '*' || r == '#' {
			b.WriteRune(r)
		}
	}
	return "digits:" + b.String()
}

// Catalogue maps each key to its text per language. It is immutable once
// built; use Standard for the company's catalogue.
type Catalogue struct {
	text map[Key]map[Lang]string
}

// Standard returns the standard catalogue with the company's name filled in
// (COMPANY_NAME); the name is spoken as written in both languages.
func Standard(company string) *Catalogue {
	c := &Catalogue{text: make(map[Key]map[Lang]string, len(standard)+1)}
	for k, m := range standard {
		c.text[k] = map[Lang]string{ZH: m.zh, EN: m.en}
	}
	company = strings.TrimSpace(company)
	if company == "" {
		c.text[KeyCompanyName] = map[Lang]string{ZH: "本公司", EN: "our company"}
	} else {
		c.text[KeyCompanyName] = map[Lang]string{ZH: company, EN: company}
	}
	return c
}

// Keys returns every key, sorted.
func (c *Catalogue) Keys() []Key {
	keys := make([]Key, 0, len(c.text))
	for k := range c.text {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// Text is the words of key in lang; ok is false when the catalogue lacks it.
func (c *Catalogue) Text(lang Lang, key Key) (text string, ok bool) {
	text, ok = c.text[key][lang]
	return text, ok && text != ""
}

// Media is the media URI of key in lang (see the package function Media).
func (c *Catalogue) Media(lang Lang, key Key) string { return Media(lang, key) }

// Missing lists "lang/key" for every key without text in one of langs.
func (c *Catalogue) Missing(langs ...Lang) []string {
	var out []string
	for _, k := range c.Keys() {
		for _, l := range langs {
			if _, ok := c.Text(l, k); !ok {
				out = append(out, string(l)+"/"+string(k))
			}
		}
	}
	return out
}
