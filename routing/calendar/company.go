package calendar

import (
	"fmt"
	"strings"
)

// ParseCompanyDays reads the company's own days from configuration:
// entries separated by ";" or new lines; "YYYY-MM-DD=name" is a worked day
// that is greeted as a festival, "YYYY-MM-DD=name=off" a day the desk is
// closed, "YYYY-MM-DD=name=work" a weekend day the desk is open (a company
// makeup day).
//
//	2026-03-18=Founding day;2026-08-14=Stocktaking=off;2026-12-05=Year-end=work
func ParseCompanyDays(s string) ([]CompanyDay, error) {
	var out []CompanyDay
	for i, entry := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		parts := strings.Split(entry, "=")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, fmt.Errorf("company day %d %q: want YYYY-MM-DD=name[=off|=work]", i+1, entry)
		}
		d, err := ParseDate(strings.TrimSpace(parts[0]))
		if err != nil {
			return nil, fmt.Errorf("company day %d: %w", i+1, err)
		}
		name := strings.TrimSpace(parts[1])
		if name == "" {
			return nil, fmt.Errorf("company day %d %q: name required", i+1, entry)
		}
		cd := CompanyDay{Date: d, Name: name}
		if len(parts) == 3 {
			switch strings.TrimSpace(parts[2]) {
			case "off":
				cd.Off = true
			case "work":
				cd.Work = true
			default:
				return nil, fmt.Errorf("company day %d %q: third field must be \"off\" or \"work\"", i+1, entry)
			}
		}
		out = append(out, cd)
	}
	return out, nil
}
