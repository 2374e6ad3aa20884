package routing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"callsvc/api/record"
	"callsvc/routing/calendar"
)

// TargetKind is where a decision sends the call.
type TargetKind string

// Target kinds.
const (
	TargetPerson     TargetKind = "person"      // a chosen person's phone
	TargetDesk       TargetKind = "desk"        // the service desk (a person there, or held for one)
	TargetAfterHours TargetKind = "after_hours" // closed: after-hours handling
	TargetRecording  TargetKind = "recording"   // the machine records it in full (S14, S7)
)

// Rule ids: stable strings stored with every routed event, so a supervisor
// can answer "why did this caller end up there?" (and count by rule).
const (
	RuleComplaint      = "intent:complaint"
	RuleSuggestion     = "intent:suggestion"
	RuleOrder          = "intent:order"
	RuleDesk           = "intent:desk"
	RuleMenuFallback   = "menu_fallback" // no or bad input twice
	RuleBusinessHours  = "business_hours"
	RuleHoliday        = "holiday"
	RuleGeneralManager = "general_manager->desk+supervisor_notice" // S10
	RuleExtension      = "extension"
	RuleUnknownExt     = "extension:unknown"
	RuleName           = "name"           // asked for by name: one person matched
	RuleUnknownName    = "name:unknown"   // nobody's spelling matched the keys
	RuleAmbiguousName  = "name:ambiguous" // several still matched: the desk sorts it out
	RulePresence       = "presence"       // the wanted person or department has nobody free
	RuleVIP            = "vip"
)

// Candidate is a person the router may choose, with their state now.
type Candidate struct {
	Staff     record.Staff
	Available bool      // presence: at their desk (not in a meeting, out, off)
	Busy      bool      // on a call
	IdleSince time.Time // when their last call ended; longest idle goes first
}

// free reports whether c may be rung now.
func (c Candidate) free() bool { return c.Staff.Active && c.Available && !c.Busy }

// RouteRequest is everything one decision looks at. Now is pinned by the
// caller: one now per decision.
type RouteRequest struct {
	Now       time.Time
	Intent    string // record.Intent*
	Fallback  bool   // the menu gave up (no/bad input twice): the desk
	Extension string // requested extension (IntentPerson)
	// ByName: the person was asked for by name from the menu; NameKeys are
	// the keypad digits keyed (see MatchName), possibly none.
	ByName   bool
	NameKeys string
	Customer *record.Customer
	Language string // the call's language; staff with that skill are preferred
	Staff    []Candidate
}

// Decision is where the call goes and why.
type Decision struct {
	Kind       TargetKind
	Department string
	Staff      *record.Staff // the person to ring; nil = nobody free (hold / machine)
	// Requested is the person the caller asked for, when someone else (or
	// nobody) was chosen: the seam for away handling (S16-S19).
	Requested        *record.Staff
	Rule             string
	Reason           string // a sentence for people
	NotifySupervisor bool   // S10
	Closed           calendar.Status
}

// Router decides. Its zero value routes to department "desk" only and is
// always open; set Hours for business hours.
type Router struct {
	Hours *calendar.Hours
	// Departments maps an intent to the department that takes it
	// (default: order -> sales; anything else -> Desk).
	Departments map[string]string
	Desk        string // the service desk's department; default "desk"
	VIPSkill    string // skill of people who take VIP customers; default "vip"
}

func (r Router) desk() string {
	if r.Desk == "" {
		return "desk"
	}
	return r.Desk
}

func (r Router) department(intent string) string {
	if d, ok := r.Departments[intent]; ok && d != "" {
		return d
	}
	if intent == record.IntentOrder {
		return "sales"
	}
	return r.desk()
}

// Decide is a pure function of r and req.
func (r Router) Decide(req RouteRequest) Decision {
	// The machine records complaints and suggestions in full at any hour:
	// nobody needs to be free for S14 / S7.
	switch req.Intent {
	case record.IntentComplaint:
		return Decision{Kind: TargetRecording, Department: r.department(req.Intent), Rule: RuleComplaint,
			Reason: "complaint: recorded in full, then registered for follow-up (S14)"}
	case record.IntentSuggestion:
		return Decision{Kind: TargetRecording, Department: r.department(req.Intent), Rule: RuleSuggestion,
			Reason: "suggestion: recorded and the caller thanked (S7)"}
	}
	if d, closed := r.closed(req.Now); closed {
		return d
	}
	switch {
	case req.Intent == record.IntentGeneralManager:
		d := r.toDesk(req, RuleGeneralManager, "asked for the general manager: the desk handles it and the supervisor is told (S10)")
		d.NotifySupervisor = true
		return d
	case req.Intent == record.IntentPerson && req.ByName:
		return r.byName(req)
	case req.Intent == record.IntentPerson:
		return r.byExtension(req)
	case req.Fallback:
		return r.toDesk(req, RuleMenuFallback, "no valid choice after two prompts: the service desk")
	}
	if d, ok := r.vip(req); ok {
		return d
	}
	return r.byIntent(req)
}

// closed is the decision when the line is closed at now (business hours,
// holidays).
func (r Router) closed(now time.Time) (Decision, bool) {
	if r.Hours == nil {
		return Decision{}, false
	}
	st := r.Hours.At(now)
	if st.Open {
		return Decision{}, false
	}
	d := Decision{Kind: TargetAfterHours, Closed: st, Rule: RuleBusinessHours}
	if st.Reason == calendar.ReasonHoliday {
		d.Rule = RuleHoliday
		d.Reason = fmt.Sprintf("closed for %s", st.Holiday)
	} else {
		d.Reason = fmt.Sprintf("outside business hours (%s, %s local)", st.Reason, st.Local.Format("Mon 15:04"))
	}
	return d, true
}

// vip puts a VIP customer through to a free person who takes VIP callers.
func (r Router) vip(req RouteRequest) (Decision, bool) {
	if req.Customer == nil || !req.Customer.VIP {
		return Decision{}, false
	}
	skill := r.VIPSkill
	if skill == "" {
		skill = "vip"
	}
	c := pick(req.Staff, "", skill, req.Language)
	if c == nil {
		return Decision{}, false
	}
	return Decision{Kind: TargetPerson, Department: c.Department, Staff: c, Rule: RuleVIP,
		Reason: fmt.Sprintf("VIP customer: %s (%s) takes VIP callers and is free", c.Name, c.Extension)}, true
}

// byIntent sends the call to the department its intent goes to: a free
// person there, else the desk.
func (r Router) byIntent(req RouteRequest) Decision {
	dept := r.department(req.Intent)
	if dept == r.desk() {
		return r.toDesk(req, RuleDesk, "the service desk")
	}
	if c := pick(req.Staff, dept, "", req.Language); c != nil {
		return Decision{Kind: TargetPerson, Department: dept, Staff: c, Rule: "intent:" + req.Intent,
			Reason: fmt.Sprintf("%s goes to %s; %s (%s) is free and idle longest", req.Intent, dept, c.Name, c.Extension)}
	}
	return r.toDesk(req, RulePresence, fmt.Sprintf("nobody in %s is free: the service desk", dept))
}

func (r Router) byExtension(req RouteRequest) Decision {
	for _, c := range req.Staff {
		if c.Staff.Extension == req.Extension && c.Staff.Active {
			return r.person(req, c, RuleExtension, "asked for extension "+c.Staff.Extension)
		}
	}
	return r.toDesk(req, RuleUnknownExt, fmt.Sprintf("extension %q is not in the directory: the service desk", req.Extension))
}

// byName takes the one active person whose spelling matches the keys the
// same way as one asked for by extension; none or several go to the desk,
// which asks the caller in person.
func (r Router) byName(req RouteRequest) Decision {
	var matches []Candidate
	for _, c := range req.Staff {
		if nameMatches(c.Staff, req.NameKeys) {
			matches = append(matches, c)
		}
	}
	switch len(matches) {
	case 0:
		return r.toDesk(req, RuleUnknownName, fmt.Sprintf("asked for a person by name (keyed %q): no one's spelling matches, the service desk", req.NameKeys))
	case 1:
		s := matches[0].Staff
		return r.person(req, matches[0], RuleName, fmt.Sprintf("asked for %s by name (keyed %s)", s.Name, req.NameKeys))
	}
	slices.SortFunc(matches, func(a, b Candidate) int { return strings.Compare(a.Staff.ID, b.Staff.ID) })
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = fmt.Sprintf("%s (%s)", m.Staff.Name, m.Staff.Extension)
	}
	return r.toDesk(req, RuleAmbiguousName, fmt.Sprintf("asked for a person by name (keyed %s): %d people match (%s), the service desk",
		req.NameKeys, len(matches), strings.Join(names, ", ")))
}

// person routes to c, asked for by the caller (asked says how): free, they
// are rung under rule; otherwise the desk's decision names them as
// Requested, and the caller hears why they cannot come (S16-S19).
func (r Router) person(req RouteRequest, c Candidate, rule, asked string) Decision {
	s := c.Staff
	if c.free() {
		return Decision{Kind: TargetPerson, Department: s.Department, Staff: &s, Rule: rule,
			Reason: fmt.Sprintf("%s: %s is free", asked, s.Name)}
	}
	state := "away from the desk"
	if c.Busy {
		state = "on another call"
	}
	d := r.toDesk(req, RulePresence, fmt.Sprintf("%s: %s is %s, the desk takes it", asked, s.Name, state))
	d.Requested = &s
	return d
}

// askedFor reports whether rule put the call through to a person the
// caller asked for (by extension or by name).
func askedFor(rule string) bool { return rule == RuleExtension || rule == RuleName }

func (r Router) toDesk(req RouteRequest, rule, reason string) Decision {
	d := Decision{Kind: TargetDesk, Department: r.desk(), Rule: rule, Reason: reason}
	if c := pick(req.Staff, r.desk(), "", req.Language); c != nil {
		d.Staff = c
		d.Reason += fmt.Sprintf("; %s (%s) is free and idle longest", c.Name, c.Extension)
	} else {
		d.Reason += "; nobody at the desk is free, the caller is held"
	}
	return d
}

// pick chooses the free person idle longest in dept ("" any) having skill
// ("" any), preferring those who speak lang. Ties go to the smaller id so
// a decision is repeatable.
func pick(staff []Candidate, dept, skill, lang string) *record.Staff {
	pool := speakersFirst(eligible(staff, dept, skill), lang)
	if len(pool) == 0 {
		return nil
	}
	best := pool[0]
	for _, c := range pool[1:] {
		if c.IdleSince.Before(best.IdleSince) || (c.IdleSince.Equal(best.IdleSince) && c.Staff.ID < best.Staff.ID) {
			best = c
		}
	}
	s := best.Staff
	return &s
}

// eligible is who of staff is free, in dept ("" any), with skill ("" any).
func eligible(staff []Candidate, dept, skill string) []Candidate {
	var pool []Candidate
	for _, c := range staff {
		if c.free() && (dept == "" || c.Staff.Department == dept) && (skill == "" || slices.Contains(c.Staff.Skills, skill)) {
			pool = append(pool, c)
		}
	}
	return pool
}

// speakersFirst narrows pool to those who speak lang, when any does.
func speakersFirst(pool []Candidate, lang string) []Candidate {
	if lang == "" {
		return pool
	}
	var speakers []Candidate
	for _, c := range pool {
		if slices.Contains(c.Staff.Skills, lang) {
			speakers = append(speakers, c)
		}
	}
	if len(speakers) == 0 {
		return pool
	}
	return speakers
}
