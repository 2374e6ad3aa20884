package routing

import (
	"strings"
	"testing"
	"time"

	"callsvc/api/record"
	"callsvc/routing/calendar"
)

func staff(id, ext, dept string, skills ...string) record.Staff {
	return record.Staff{ID: id, Name: "Staff " + id, Extension: ext, Endpoint: "PJSIP/" + ext, Department: dept, Skills: skills, Role: record.RoleAgent, Active: true}
}

func TestDecide(t *testing.T) {
	open := time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai) // a Friday
	hours := &calendar.Hours{Calendar: calendar.China(), Location: shanghai, Open: 9 * time.Hour, Close: 18 * time.Hour}
	r := Router{Hours: hours, Departments: map[string]string{record.IntentOrder: "sales"}}
	idle := func(min int) time.Time { return open.Add(-time.Duration(min) * time.Minute) }
	free := func(s record.Staff, idleMin int) Candidate {
		return Candidate{Staff: s, Available: true, IdleSince: idle(idleMin)}
	}
	busy := func(s record.Staff) Candidate { return Candidate{Staff: s, Available: true, Busy: true} }
	away := func(s record.Staff) Candidate { return Candidate{Staff: s} }

	deskA, deskB := staff("d1", "2001", "desk", "zh"), staff("d2", "2002", "desk", "zh", "en")
	salesA, salesB := staff("s1", "3001", "sales", "zh"), staff("s2", "3002", "sales", "zh", "vip")
	inactive := staff("s3", "3003", "sales")
	inactive.Active = false

	for _, tc := range []struct {
		name      string
		req       RouteRequest
		kind      TargetKind
		staffID   string // "" = nobody chosen
		rule      string
		notify    bool
		requested string
	}{
		{"OrderToLongestIdleSalesPerson",
			RouteRequest{Now: open, Intent: record.IntentOrder, Staff: []Candidate{free(salesA, 5), free(salesB, 30), free(deskA, 90)}},
			TargetPerson, "s2", RuleOrder, false, ""},
		{"OrderSkipsBusyAndInactive",
			RouteRequest{Now: open, Intent: record.IntentOrder, Staff: []Candidate{busy(salesB), free(inactive, 100), free(salesA, 1)}},
			TargetPerson, "s1", RuleOrder, false, ""},
		{"OrderNobodyFreeInSalesGoesToDesk",
			RouteRequest{Now: open, Intent: record.IntentOrder, Staff: []Candidate{busy(salesA), away(salesB), free(deskA, 3)}},
			TargetDesk, "d1", RulePresence, false, ""},
		{"EveryoneBusyDeskHoldsCaller",
			RouteRequest{Now: open, Intent: record.IntentDesk, Staff: []Candidate{busy(deskA), busy(deskB)}},
			TargetDesk, "", RuleDesk, false, ""},
		{"EnglishCallerPrefersEnglishSpeaker",
			RouteRequest{Now: open, Intent: record.IntentDesk, Language: "en", Staff: []Candidate{free(deskA, 60), free(deskB, 1)}},
			TargetDesk, "d2", RuleDesk, false, ""},
		{"VIPToVIPPerson",
			RouteRequest{Now: open, Intent: record.IntentDesk, Customer: &record.Customer{VIP: true}, Staff: []Candidate{free(deskA, 60), free(salesB, 1)}},
			TargetPerson, "s2", RuleVIP, false, ""},
		{"VIPWithNoVIPPersonFreeGetsNormalRoute",
			RouteRequest{Now: open, Intent: record.IntentDesk, Customer: &record.Customer{VIP: true}, Staff: []Candidate{free(deskA, 60), busy(salesB)}},
			TargetDesk, "d1", RuleDesk, false, ""},
		{"GeneralManagerToDeskWithSupervisorNotice",
			RouteRequest{Now: open, Intent: record.IntentGeneralManager, Staff: []Candidate{free(deskA, 1)}},
			TargetDesk, "d1", RuleGeneralManager, true, ""},
		{"ExtensionFreePersonRung",
			RouteRequest{Now: open, Intent: record.IntentPerson, Extension: "3001", Staff: []Candidate{free(salesA, 1), free(deskA, 60)}},
			TargetPerson, "s1", RuleExtension, false, ""},
		{"ExtensionBusyDeskTakesItAndKeepsRequested",
			RouteRequest{Now: open, Intent: record.IntentPerson, Extension: "3001", Staff: []Candidate{busy(salesA), free(deskA, 60)}},
			TargetDesk, "d1", RulePresence, false, "s1"},
		{"ExtensionUnknownToDesk",
			RouteRequest{Now: open, Intent: record.IntentPerson, Extension: "9999", Staff: []Candidate{free(deskA, 60)}},
			TargetDesk, "d1", RuleUnknownExt, false, ""},
		{"ExtensionOfInactivePersonIsUnknown",
			RouteRequest{Now: open, Intent: record.IntentPerson, Extension: "3003", Staff: []Candidate{free(inactive, 1), free(deskA, 60)}},
			TargetDesk, "d1", RuleUnknownExt, false, ""},
		{"MenuFallbackToDesk",
			RouteRequest{Now: open, Fallback: true, Staff: []Candidate{free(deskA, 60)}},
			TargetDesk, "d1", RuleMenuFallback, false, ""},
		{"AfterClosingIsAfterHours",
			RouteRequest{Now: time.Date(2026, 11, 27, 18, 30, 0, 0, shanghai), Intent: record.IntentOrder, Staff: []Candidate{free(salesA, 1)}},
			TargetAfterHours, "", RuleBusinessHours, false, ""},
		{"WeekendIsAfterHours",
			RouteRequest{Now: time.Date(2026, 11, 28, 10, 0, 0, 0, shanghai), Intent: record.IntentDesk, Staff: []Candidate{free(deskA, 1)}},
			TargetAfterHours, "", RuleBusinessHours, false, ""},
		{"HolidayIsAfterHoursByHolidayRule",
			RouteRequest{Now: time.Date(2026, 10, 2, 10, 0, 0, 0, shanghai), Intent: record.IntentGeneralManager, Staff: []Candidate{free(deskA, 1)}},
			TargetAfterHours, "", RuleHoliday, false, ""},
		{"MakeupSaturdayIsOpen",
			RouteRequest{Now: time.Date(2026, 2, 28, 10, 0, 0, 0, shanghai), Intent: record.IntentDesk, Staff: []Candidate{free(deskA, 1)}},
			TargetDesk, "d1", RuleDesk, false, ""},
		{"ComplaintRecordedEvenAtNight",
			RouteRequest{Now: time.Date(2026, 11, 27, 23, 0, 0, 0, shanghai), Intent: record.IntentComplaint},
			TargetRecording, "", RuleComplaint, false, ""},
		{"SuggestionRecorded",
			RouteRequest{Now: open, Intent: record.IntentSuggestion},
			TargetRecording, "", RuleSuggestion, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := r.Decide(tc.req)
			got := ""
			if d.Staff != nil {
				got = d.Staff.ID
			}
			if d.Kind != tc.kind || got != tc.staffID || d.Rule != tc.rule || d.NotifySupervisor != tc.notify {
				t.Fatalf("decision = kind %s staff %q rule %q notify %v (%s); want %s %q %q %v",
					d.Kind, got, d.Rule, d.NotifySupervisor, d.Reason, tc.kind, tc.staffID, tc.rule, tc.notify)
			}
			req := ""
			if d.Requested != nil {
				req = d.Requested.ID
			}
			if req != tc.requested {
				t.Errorf("requested = %q, want %q", req, tc.requested)
			}
			if strings.TrimSpace(d.Reason) == "" {
				t.Error("a decision without a reason")
			}
		})
	}
}

// The same inputs give the same person: ties on idle time go to the smaller id.
func TestDecideIsRepeatable(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	same := now.Add(-time.Hour)
	req := RouteRequest{Now: now, Intent: record.IntentDesk, Staff: []Candidate{
		{Staff: staff("b", "2002", "desk"), Available: true, IdleSince: same},
		{Staff: staff("a", "2001", "desk"), Available: true, IdleSince: same},
	}}
	for range 5 {
		if d := (Router{}).Decide(req); d.Staff == nil || d.Staff.ID != "a" {
			t.Fatalf("decision = %+v", d)
		}
	}
}
