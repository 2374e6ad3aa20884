package routing_test

import (
	"fmt"
	"time"

	"callsvc/api/record"
	"callsvc/routing"
	"callsvc/routing/calendar"
	"callsvc/routing/prompt"
)

// S1: how long to let it ring, and the hard limit.
func ExampleAnswerPolicy() {
	p, err := routing.NewAnswerPolicy("na", 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Delay(), p.Limit(), p.Cadence.RingsAt(6500*time.Millisecond))
	_, err = routing.NewAnswerPolicy("cn", 4)
	fmt.Println(err)
	// Output:
	// 6s 14s 2
	// ANSWER_RING 4: S1 allows 1..3 (answer within three rings)
}

// S2/S3: the greeting for a known customer on a Shanghai morning.
func ExampleGreeter() {
	g := routing.Greeter{
		Location:  time.FixedZone("CST", 8*3600),
		Calendar:  calendar.China(),
		TimeOfDay: true,
		Catalogue: prompt.Standard("示例貿易公司"),
	}
	at := time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC) // 09:30 in Shanghai
	gr := g.Greet(at, prompt.ZH, &record.Customer{Surname: "張", Title: "先生"})
	fmt.Println(gr.Text)
	fmt.Println(gr.Media[2])
	// Output:
	// 張先生, 早上好, 這裡是 示例貿易公司
	// sound:callsvc/zh/good_morning
}

// Every decision carries the rule that matched and a reason.
func ExampleRouter_Decide() {
	desk := record.Staff{ID: "d1", Name: "李服務", Extension: "2001", Department: "desk", Active: true}
	d := routing.Router{}.Decide(routing.RouteRequest{
		Now:    time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
		Intent: record.IntentGeneralManager,
		Staff:  []routing.Candidate{{Staff: desk, Available: true}},
	})
	fmt.Println(d.Kind, d.Staff.ID, d.Rule, d.NotifySupervisor)
	// Output:
	// desk d1 general_manager->desk+supervisor_notice true
}
