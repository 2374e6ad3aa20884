package console

import (
	"encoding/json"
	"fmt"
	"html/template"
	"time"
)

// funcs are the templates' helpers for one language and time zone.
func funcs(lang string, loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"t":     func(key string, args ...any) string { return tr(lang, key, args...) },
		"label": func(kind, value string) string { return label(lang, kind, value) },
		"asset": assetURL,
		"clock": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(loc).Format("15:04:05")
		},
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(loc).Format("2006-01-02 15:04")
		},
		"whenp": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return t.In(loc).Format("2006-01-02 15:04")
		},
		"hm": func(t *time.Time) string {
			if t == nil {
				return ""
			}
			return t.In(loc).Format("15:04")
		},
		"ms":   func(t time.Time) int64 { return t.UnixMilli() },
		"dur":  func(d time.Duration) string { return clockDuration(d) },
		"secs": func(s int) string { return clockDuration(time.Duration(s) * time.Second) },
		"msecs": func(ms int) string {
			return fmt.Sprintf("%.1f", float64(ms)/1000)
		},
		"asa": func(ms float64) string {
			if ms < 1000 {
				return tr(lang, "board.ms", ms)
			}
			return tr(lang, "board.s", ms/1000)
		},
		"seconds":  func(ms float64) float64 { return ms / 1000 },
		"int":      func(f float64) int { return int(f + 0.5) },
		"times100": func(f float64) float64 { return 100 * f },
		"pct":      func(f float64) string { return fmt.Sprintf("%.0f%%", f) },
		"pct1":     func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"jsonattr": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
	}
}

// clockDuration is m:ss, or h:mm:ss past an hour.
func clockDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
