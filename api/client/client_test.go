package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oklog/ulid/v2"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/client"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var t0 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

func call(i int) record.Call {
	at := t0.Add(time.Duration(i) * time.Minute)
	ans, end := at.Add(3*time.Second), at.Add(2*time.Minute)
	return record.Call{
		ID: ulid.MustNew(ulid.Timestamp(at), zeroReader{}).String(), CallerNumber: "+8613812345678",
		CallerName: "張三", Intent: record.IntentOrder, Outcome: record.OutcomeCompleted,
		ArrivedAt: at, AnsweredAt: &ans, EndedAt: &end, RingsToAnswer: 1, AnswerMS: 3000,
		TalkSeconds: 117, UpdatedAt: end, StaffIDs: []string{"01JSTAFFA00000000000000000"},
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func codeOf(err error) string {
	var e *record.Error
	if !errors.As(err, &e) {
		return fmt.Sprintf("not a *record.Error: %v", err)
	}
	return e.Code
}

func TestEngineWritesAndSupervisorReads(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	ctx := context.Background()
	engine := client.New(srv.URL, srv.Tokens[record.RoleService], srv.Client)
	boss := client.New(srv.URL+"/", srv.Tokens[record.RoleSupervisor], srv.Client)

	calls := []record.Call{call(0), call(1), call(2)}
	if err := engine.UpsertCalls(ctx, calls); err != nil {
		t.Fatalf("UpsertCalls: %v", err)
	}
	var events []record.Event
	for i := range 5 {
		events = append(events, record.Event{
			ID:     ulid.MustNew(ulid.Timestamp(t0), bytesOf(i)).String(),
			CallID: calls[0].ID, At: t0.Add(time.Duration(i) * time.Second), Type: record.EventMessageRecording,
			Data: []byte(fmt.Sprintf(`{"take":%d}`, i+1)),
		})
	}
	for i, want := range []int{5, 0} { // the second send is a replay
		n, err := engine.AppendEvents(ctx, events)
		if err != nil || n != want {
			t.Fatalf("AppendEvents #%d: %d, %v; want %d", i, n, err, want)
		}
	}

	got, timeline, err := boss.GetCall(ctx, calls[0].ID)
	if err != nil {
		t.Fatalf("GetCall: %v", err)
	}
	if diff := cmp.Diff(calls[0], got); diff != "" {
		t.Errorf("call (-sent +got):\n%s", diff)
	}
	if len(timeline) != 5 {
		t.Fatalf("timeline has %d events, want 5", len(timeline))
	}
	var data record.MessageRecordingData
	if err := json.Unmarshal(timeline[4].Data, &data); err != nil || data.Take != 5 {
		t.Errorf("last event's data %s", timeline[4].Data)
	}

	var ids []string
	f := record.CallFilter{From: t0, To: t0.Add(time.Hour), CallerNumber: "138 1234 5678", Intent: record.IntentOrder, WithinRings: 1, Limit: 2}
	for {
		page, err := boss.ListCalls(ctx, f)
		if err != nil {
			t.Fatalf("ListCalls: %v", err)
		}
		for _, c := range page.Calls {
			ids = append(ids, c.ID)
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	if diff := cmp.Diff([]string{calls[2].ID, calls[1].ID, calls[0].ID}, ids); diff != "" {
		t.Errorf("listed ids (-want +got):\n%s", diff)
	}
}

func bytesOf(i int) zeroReaderN { return zeroReaderN(i) }

type zeroReaderN int

func (z zeroReaderN) Read(p []byte) (int, error) {
	clear(p)
	p[len(p)-1] = byte(z)
	return len(p), nil
}

func TestDirectoryLookups(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	ctx := context.Background()
	engine := client.New(srv.URL, srv.Tokens[record.RoleService], srv.Client)

	r := srv.Do(t, "POST", "/v1/customers", record.RoleSupervisor, api.CustomerInput{Name: "王大同", Surname: "王", Title: "經理", Numbers: []string{"13900001111"}})
	var created record.Customer
	r.Decode(t, &created)
	c, err := engine.FindCustomerByPhone(ctx, "+86 139 0000 1111")
	if err != nil || c.ID != created.ID || c.Title != "經理" {
		t.Errorf("FindCustomerByPhone: %+v, %v", c, err)
	}
	if _, err := engine.FindCustomerByPhone(ctx, "13900002222"); !record.IsNotFound(err) {
		t.Errorf("unknown number: %v, want not found", err)
	}

	staff, next, err := engine.ListStaff(ctx, record.ListQuery{Limit: 10})
	if err != nil || len(staff) != 1 || staff[0].ID != srv.AgentID || next != "" {
		t.Errorf("ListStaff: %+v %q %v", staff, next, err)
	}
}

func TestErrorsCarryServerCodes(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	ctx := context.Background()
	engine := client.New(srv.URL, srv.Tokens[record.RoleService], srv.Client)
	boss := client.New(srv.URL, srv.Tokens[record.RoleSupervisor], srv.Client)
	nobody := client.New(srv.URL, api.TokenPrefix+"not-issued", srv.Client)

	bad := call(0)
	bad.Intent = "gossip"
	_, _, forbidden := engine.GetCall(ctx, bad.ID)
	_, _, missing := boss.GetCall(ctx, bad.ID)
	_, badLimit := boss.ListCalls(ctx, record.CallFilter{Limit: 5000})
	for _, tc := range []struct {
		name string
		err  error
		code string
	}{
		{"Invalid", engine.UpsertCalls(ctx, []record.Call{bad}), record.EInvalid},
		{"BadLimit", badLimit, record.EInvalid},
		{"Forbidden", forbidden, record.EForbidden},
		{"NotFound", missing, record.ENotFound},
		{"Unauthorized", nobody.UpsertCalls(ctx, []record.Call{call(1)}), record.EUnauthorized},
	} {
		if got := codeOf(tc.err); got != tc.code {
			t.Errorf("%s: code %s (%v), want %s", tc.name, got, tc.err, tc.code)
		}
	}
	var e *record.Error
	if errors.As(missing, &e) && e.Message == "" {
		t.Error("the server's message is lost")
	}
}

func TestUnreachableServerIsUnavailable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := client.New("http://"+addr, "cs_x", &http.Client{Timeout: 10 * time.Second})
	if err := c.UpsertCalls(context.Background(), []record.Call{call(0)}); codeOf(err) != record.EUnavailable {
		t.Errorf("unreachable server: %v, want unavailable", err)
	}
}
