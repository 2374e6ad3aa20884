package api_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// t0 anchors the fixtures: a Monday morning in Shanghai.
var t0 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

// idAt makes a ULID for time t; n keeps ids at the same instant distinct
// and deterministic.
func idAt(t time.Time, n int) string {
	var entropy [10]byte
	entropy[8], entropy[9] = byte(n>>8), byte(n)
	id, err := ulid.New(ulid.Timestamp(t), bytesReader(entropy[:]))
	if err != nil {
		panic(err)
	}
	return id.String()
}

type bytesReader []byte

func (b bytesReader) Read(p []byte) (int, error) { return copy(p, b), nil }

// answeredCall is a call that arrived at t, was answered after rings rings
// and lasted talk seconds, taken by staff.
func answeredCall(n int, at time.Time, rings int, staff ...string) record.Call {
	ans := at.Add(time.Duration(rings) * 5 * time.Second)
	end := ans.Add(90 * time.Second)
	c := record.Call{
		ID: idAt(at, n), Node: "pbx1", ChannelID: fmt.Sprintf("pbx1-%d.1", n),
		CallerNumber: "+8613812345678", CallerName: "張三", DialedNumber: "4008001234",
		Language: "zh", Intent: record.IntentOrder, Outcome: record.OutcomeConnected, EndedBy: "caller",
		ArrivedAt: at, AnsweredAt: &ans, EndedAt: &end, RingsToAnswer: rings,
		AnswerMS: rings * 5000, TalkSeconds: 90, UpdatedAt: end,
	}
	if len(staff) > 0 {
		c.OwnerStaffID, c.StaffIDs = staff[0], staff
	}
	return c
}

func event(callID string, n int, at time.Time, typ record.EventType, data any) record.Event {
	e := record.Event{ID: idAt(at, 1000+n), CallID: callID, At: at, Type: typ}
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			panic(err)
		}
		e.Data = b
	}
	return e
}
