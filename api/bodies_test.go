package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// TestWritesAboutUnknownCallsAndStaff (issue 11, low): events and messages
// about calls that are not stored, or for people who do not exist, are
// refused with nothing stored. The decided exception: the engine (service
// token) may write a call's events and message before its summary, as
// its independent writers and spool replays do; its message must still be
// for someone in the directory.
func TestWritesAboutUnknownCallsAndStaff(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	now := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	unknown := idAt(now, 1)
	ev := func(n int, call string) record.Event {
		return record.Event{ID: idAt(now, 100+n), CallID: call, At: now, Type: "arrived"}
	}
	msg := func(call, staff string) api.MessageInput {
		return api.MessageInput{CallID: call, ForStaffID: staff, DurationMS: 1000, CreatedAt: now}
	}
	for _, tc := range []struct {
		name, method, path, role string
		body                     any
	}{
		{"EventsOfNoCall", "POST", "/v1/events", record.RoleSupervisor, []record.Event{ev(1, unknown)}},
		{"EventOfNoCallByPath", "POST", "/v1/calls/" + unknown + "/events", record.RoleSupervisor, ev(2, unknown)},
		{"MessageOfNoCall", "PUT", "/v1/messages/" + idAt(now, 3), record.RoleSupervisor, msg(unknown, srv.AgentID)},
		{"MessageForNobody", "PUT", "/v1/messages/" + idAt(now, 4), record.RoleService, msg(unknown, "01JNOBODY00000000000000000")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := stored(t, srv)
			r := srv.Do(t, tc.method, tc.path, tc.role, tc.body)
			if r.Status != http.StatusBadRequest || r.ErrorCode() != record.EInvalid {
				t.Fatalf("%d %s, want 400", r.Status, r.Body)
			}
			if after := stored(t, srv); after != before {
				t.Fatalf("stored %d rows", after-before)
			}
		})
	}

	// The engine's replay: events and the message first, the summary later.
	later := idAt(now, 5)
	srv.Write(t, "/v1/events", []record.Event{ev(5, later)})
	if r := srv.Do(t, "PUT", "/v1/messages/"+idAt(now, 6), record.RoleService, msg(later, srv.AgentID)); r.Status != http.StatusCreated {
		t.Fatalf("the engine's message before its call: %d %s", r.Status, r.Body)
	}
	c := answeredCall(5, now, 1, srv.AgentID)
	c.ID = later
	srv.Write(t, "/v1/calls", []record.Call{c})
	var got api.CallWithEvents
	srv.Do(t, "GET", "/v1/calls/"+later, record.RoleSupervisor, nil).Decode(t, &got)
	if len(got.Events) != 1 || got.Events[0].Type != "arrived" {
		t.Fatalf("replayed timeline %+v", got.Events)
	}
	// Now the call exists, a supervisor may add to it.
	if r := srv.Do(t, "POST", "/v1/events", record.RoleSupervisor, []record.Event{ev(7, later)}); r.Status != http.StatusOK {
		t.Fatalf("supervisor's event on a stored call: %d %s", r.Status, r.Body)
	}
}

// TestAudioForUnknownMessageIsRefusedUnread (issue 11, low): an upload for a
// message that does not exist, or larger than allowed by its own length,
// is answered before its body is read: the client here sends none.
func TestAudioForUnknownMessageIsRefusedUnread(t *testing.T) {
	t.Parallel()
	// Reading the body would wait for ever: the answer can only come first.
	srv := apitest.New(t, func(c *api.Config) { c.BodyTimeout = time.Hour })
	for _, tc := range []struct {
		length int64
		status int
	}{{10 << 20, http.StatusNotFound}, {40 << 20, http.StatusRequestEntityTooLarge}} {
		conn := rawConn(t, srv, "PUT /v1/messages/"+idAt(t0, 9)+"/audio HTTP/1.1", "Host: callsvc",
			"Authorization: Bearer "+srv.Tokens[record.RoleService], "Content-Type: audio/wav",
			fmt.Sprintf("Content-Length: %d", tc.length))
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%d bytes announced, none sent: no answer: %v", tc.length, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != tc.status {
			t.Errorf("%d bytes announced: %d %s, want %d", tc.length, resp.StatusCode, body, tc.status)
		}
	}
}

// TestBodyBudgetBoundsMemory (issue 11, low): however many large batches
// arrive at once, the bodies held together stay within the budget; every
// batch is still written.
func TestBodyBudgetBoundsMemory(t *testing.T) {
	t.Parallel()
	const budget = 512 << 10
	srv := apitest.New(t, func(c *api.Config) { c.MaxBatchBody = 256 << 10; c.BodyBudget = budget })
	var wg sync.WaitGroup
	sizes := make([]int, 12)
	for i := range sizes {
		var batch []record.Call
		for j := range 100 {
			c := answeredCall(i*100+j, t0.Add(time.Duration(i*100+j)*time.Second), 1)
			c.Notes = strings.Repeat("備註", 300)
			batch = append(batch, c)
		}
		data, _ := json.Marshal(batch)
		sizes[i] = len(data)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := srv.Do(t, "POST", "/v1/calls", record.RoleService, data); r.Status != http.StatusOK {
				t.Errorf("batch %d: %d %s", i, r.Status, r.Body)
			}
		}()
	}
	wg.Wait()
	peak := api.BodyBudgetPeak(srv.Handler)
	if peak > budget || peak < int64(sizes[0]) {
		t.Errorf("bodies held at once peaked at %d bytes, want within the budget of %d (batches of %d)", peak, budget, sizes[0])
	}
	var n int
	if err := srv.Store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM calls`).Scan(&n); err != nil || n != 1200 {
		t.Errorf("%d calls stored (%v), want 1200", n, err)
	}
	t.Logf("12 concurrent batches of %d bytes: at most %d bytes held (budget %d)", sizes[0], peak, budget)
}

// TestNoMessageOracle (issue 11, low): an agent asking for someone else's
// message, its audio, or to mark it handled gets exactly the answer for a
// message that does not exist.
func TestNoMessageOracle(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	other, err := srv.Store.CreateStaff(context.Background(), record.Staff{Name: "乙", Extension: "3001", Endpoint: "PJSIP/3001", Department: "sales", Role: record.RoleAgent, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Minute).UTC()
	theirs := idAt(at, 1)
	if r := srv.Do(t, "PUT", "/v1/messages/"+theirs, record.RoleService, messageAt(1, at, other.ID)); r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := putAudio(t, srv, theirs, record.RoleService, apitest.WAV(800, 1)); r.Status != http.StatusOK {
		t.Fatalf("audio: %d %s", r.Status, r.Body)
	}
	none := idAt(at, 2)
	for _, tc := range []struct{ method, suffix string }{{"GET", ""}, {"GET", "/audio"}, {"POST", "/handled"}} {
		want := srv.Do(t, tc.method, "/v1/messages/"+none+tc.suffix, record.RoleAgent, nil)
		got := srv.Do(t, tc.method, "/v1/messages/"+theirs+tc.suffix, record.RoleAgent, nil)
		if want.Status != http.StatusNotFound || got.Status != want.Status || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("%s message%s: someone else's %d %s; none %d %s", tc.method, tc.suffix, got.Status, got.Body, want.Status, want.Body)
		}
	}
	var m record.Message
	srv.Do(t, "GET", "/v1/messages/"+theirs, record.RoleSupervisor, nil).Decode(t, &m)
	if m.Status != record.MessageNew {
		t.Errorf("an agent's refused attempt marked the message %s", m.Status)
	}
}
