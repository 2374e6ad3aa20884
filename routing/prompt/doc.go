// Package prompt is the catalogue of everything the phone line says: a key
// for each standard phrase (S20), the menu, the instructions and the
// wrap-up, with its Mandarin (zh, the default) and English (en) text, and
// the Asterisk media URI that plays it.
//
// The text is the source; Build renders it into Asterisk-ready sound files
// (8 kHz mono 16-bit WAV) with espeak-ng and sox, so `callsvc prompts build`
// can refresh every recording when the wording or the company name changes.
// Real recordings made by a person can replace the files later: the keys and
// URIs stay the same.
//
//	cat := prompt.Standard("示例貿易公司")
//	media := cat.Media(prompt.ZH, prompt.KeyThanksForCalling) // "sound:callsvc/zh/thanks_for_calling"
//	text, _ := cat.Text(prompt.ZH, prompt.KeyThanksForCalling) // "謝謝您打電話來"
//	_, _ = media, text
//
// The Mandarin text uses the traditional characters of the service
// standards; spoken audio is the same either way.
package prompt
