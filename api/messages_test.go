package api_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// messageAt is a message taken at t for staff.
func messageAt(n int, at time.Time, staff string) api.MessageInput {
	return api.MessageInput{
		CallID: idAt(at, 500+n), ForStaffID: staff, CallerNumber: "138 1234 5678", CallerName: "王女士",
		CallbackNumber: "010-6552-9988", RecordingName: fmt.Sprintf("msg-%d", n), DurationMS: 4200, CreatedAt: at,
	}
}

func putAudio(t *testing.T, srv *apitest.Server, id, role string, wav []byte) apitest.Response {
	t.Helper()
	return srv.Do(t, "PUT", "/v1/messages/"+id+"/audio", role, wav, "Content-Type", "audio/wav")
}

func TestMessageWriteIsIdempotentAndAudioRoundTrips(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	at := time.Now().Add(-time.Minute).Truncate(time.Millisecond).UTC()
	id := idAt(at, 1)
	in := messageAt(1, at, srv.AgentID)
	in.Partial = true // S: a caller who hung up mid-message still leaves one

	r := srv.Do(t, "PUT", "/v1/messages/"+id, record.RoleService, in)
	if r.Status != http.StatusCreated || r.Header.Get("Location") != "/v1/messages/"+id {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var m record.Message
	r.Decode(t, &m)
	want := record.Message{
		ID: id, CallID: in.CallID, ForStaffID: srv.AgentID, CallerNumber: "+8613812345678", CallerName: "王女士",
		CallbackNumber: "+861065529988", RecordingName: "msg-1", DurationMS: 4200, Partial: true,
		Status: record.MessageNew, CreatedAt: at,
	}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}

	// A replay (the spool sending it again, even changed) is a no-op.
	again := in
	again.CallerName, again.Partial = "someone else", false
	r = srv.Do(t, "PUT", "/v1/messages/"+id, record.RoleService, again)
	var replayed record.Message
	r.Decode(t, &replayed)
	if r.Status != http.StatusOK || !cmp.Equal(want, replayed) {
		t.Errorf("replay: %d %s", r.Status, r.Body)
	}

	// No audio yet.
	if r := srv.Do(t, "GET", "/v1/messages/"+id+"/audio", record.RoleAgent, nil); r.Status != http.StatusNotFound {
		t.Errorf("audio before upload: %d %s", r.Status, r.Body)
	}
	wav := apitest.WAV(8000*3, 7)
	r = putAudio(t, srv, id, record.RoleService, wav)
	r.Decode(t, &m)
	if r.Status != http.StatusOK || m.AudioBytes != len(wav) {
		t.Fatalf("upload audio: %d %s", r.Status, r.Body)
	}
	// The same bytes again: fine. Other bytes: the audio never changes.
	if r := putAudio(t, srv, id, record.RoleService, wav); r.Status != http.StatusOK {
		t.Errorf("audio replay: %d %s", r.Status, r.Body)
	}
	if r := putAudio(t, srv, id, record.RoleService, apitest.WAV(8000, 9)); r.Status != http.StatusConflict || r.ErrorCode() != record.EConflict {
		t.Errorf("different audio: %d %s", r.Status, r.Body)
	}

	for _, role := range []string{record.RoleAgent, record.RoleSupervisor} {
		r := srv.Do(t, "GET", "/v1/messages/"+id+"/audio", role, nil)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "audio/wav" {
			t.Fatalf("download as %s: %d %s", role, r.Status, r.Header.Get("Content-Type"))
		}
		if !bytes.Equal(r.Body, wav) {
			t.Errorf("download as %s: %d bytes differ from the %d uploaded", role, len(r.Body), len(wav))
		}
	}
}

func TestMessageAudioBadInput(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	at := time.Now().Add(-time.Minute).UTC()
	id := idAt(at, 1)
	if r := srv.Do(t, "PUT", "/v1/messages/"+id, record.RoleService, messageAt(1, at, srv.AgentID)); r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	good := apitest.WAV(800, 1)
	alaw := bytes.Clone(good)
	binary.LittleEndian.PutUint16(alaw[20:], 6)
	mp3 := bytes.Clone(good)
	binary.LittleEndian.PutUint16(mp3[20:], 85)
	truncated := good[:len(good)-10]
	noData := good[:12+8+16]
	for _, tc := range []struct {
		name        string
		id          string
		body        []byte
		contentType string
		status      int
		code        string
	}{
		{"NotWAV", id, []byte("ID3\x03 an mp3 file"), "audio/wav", 400, record.EInvalid},
		{"MP3InsideWAV", id, mp3, "audio/wav", 400, record.EInvalid},
		{"TruncatedData", id, truncated, "audio/wav", 400, record.EInvalid},
		{"NoDataChunk", id, noData, "audio/wav", 400, record.EInvalid},
		{"Empty", id, nil, "audio/wav", 400, record.EInvalid},
		{"WrongContentType", id, good, "application/octet-stream", 415, api.CodeUnsupportedMediaType},
		{"TooLarge", id, append(bytes.Clone(good), make([]byte, 32<<20)...), "audio/wav", 413, record.ETooLarge},
		{"UnknownMessage", idAt(at, 2), good, "audio/wav", 404, record.ENotFound},
		{"PathNotULID", "msg-1", good, "audio/wav", 400, record.EInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(t, "PUT", "/v1/messages/"+tc.id+"/audio", record.RoleService, tc.body, "Content-Type", tc.contentType)
			if r.Status != tc.status || r.ErrorCode() != tc.code {
				t.Errorf("%d %s, want %d %s", r.Status, r.Body, tc.status, tc.code)
			}
		})
	}
	// Nothing bad was kept; a good A-law file still goes in.
	var m record.Message
	srv.Do(t, "GET", "/v1/messages/"+id, record.RoleSupervisor, nil).Decode(t, &m)
	if m.AudioBytes != 0 {
		t.Errorf("audio_bytes %d after refused uploads", m.AudioBytes)
	}
	if r := putAudio(t, srv, id, record.RoleService, alaw); r.Status != http.StatusOK {
		t.Errorf("A-law: %d %s", r.Status, r.Body)
	}
}

func TestMessageBadInput(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	at := time.Now().Add(-time.Minute).UTC()
	id := idAt(at, 1)
	body := func(edit func(*api.MessageInput)) api.MessageInput {
		m := messageAt(1, at, srv.AgentID)
		edit(&m)
		return m
	}
	for _, tc := range []struct {
		name string
		path string
		body any
	}{
		{"PathNotULID", "/v1/messages/message-1", body(func(*api.MessageInput) {})},
		{"BodyIDContradictsPath", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.ID = idAt(at, 2) })},
		{"CallIDMissing", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.CallID = "" })},
		{"ForStaffMissing", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.ForStaffID = "" })},
		{"ForStaffBad", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.ForStaffID = "a b" })},
		{"CallbackNotAPhone", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.CallbackNumber = "call me" })},
		{"NegativeDuration", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.DurationMS = -1 })},
		{"TooLong", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.DurationMS = 2 * 3600 * 1000 })},
		{"RecordingNameWithSlash", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.RecordingName = "../etc/passwd" })},
		{"CreatedInFuture", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.CreatedAt = time.Now().Add(72 * time.Hour) })},
		{"CreatedMissing", "/v1/messages/" + id, body(func(m *api.MessageInput) { m.CreatedAt = time.Time{} })},
		{"UnknownField", "/v1/messages/" + id, `{"call_id":"` + idAt(at, 3) + `","for_staff_id":"x","colour":"red"}`},
		{"StatusIsTheServers", "/v1/messages/" + id, `{"call_id":"` + idAt(at, 3) + `","for_staff_id":"x","status":"handled"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(t, "PUT", tc.path, record.RoleService, tc.body)
			if r.Status != http.StatusBadRequest || r.ErrorCode() != record.EInvalid {
				t.Errorf("%d %s, want 400 invalid", r.Status, r.Body)
			}
		})
	}
	var page record.MessagePage
	srv.Do(t, "GET", "/v1/messages", record.RoleSupervisor, nil).Decode(t, &page)
	if len(page.Messages) != 0 {
		t.Errorf("bad writes stored %d messages", len(page.Messages))
	}
}

func TestMessagesListedPerPersonAndHandled(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	colleague := addStaff(t, srv, 1)
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond).UTC()
	var mine, theirs []string
	for i := range 7 {
		at := base.Add(time.Duration(i) * time.Minute)
		if i == 5 {
			at = base.Add(4 * time.Minute) // same instant as #4: the id breaks the tie
		}
		staff, list := srv.AgentID, &mine
		if i%3 == 2 {
			staff, list = colleague, &theirs
		}
		id := idAt(at, i)
		if r := srv.Do(t, "PUT", "/v1/messages/"+id, record.RoleService, messageAt(i, at, staff)); r.Status != http.StatusCreated {
			t.Fatalf("create %d: %d %s", i, r.Status, r.Body)
		}
		*list = append([]string{id}, *list...) // newest first
	}

	// listAll pages through a query two at a time.
	listAll := func(role, query string) []string {
		t.Helper()
		var ids []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			q := "/v1/messages?limit=2" + query
			if cursor != "" {
				q += "&cursor=" + cursor
			}
			r := srv.Do(t, "GET", q, role, nil)
			var page record.MessagePage
			r.Decode(t, &page)
			if r.Status != http.StatusOK {
				t.Fatalf("list %s: %d %s", q, r.Status, r.Body)
			}
			for _, m := range page.Messages {
				ids = append(ids, m.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				return ids
			}
		}
	}
	if got := listAll(record.RoleAgent, ""); !cmp.Equal(got, mine) {
		t.Errorf("agent's list %v, want own %v", got, mine)
	}
	if got := listAll(record.RoleSupervisor, "&staff_id="+colleague); !cmp.Equal(got, theirs) {
		t.Errorf("supervisor's list for colleague %v, want %v", got, theirs)
	}
	if got := listAll(record.RoleSupervisor, ""); len(got) != 7 {
		t.Errorf("supervisor sees %d messages, want 7", len(got))
	}
	if r := srv.Do(t, "GET", "/v1/messages?staff_id="+colleague, record.RoleAgent, nil); r.Status != http.StatusForbidden {
		t.Errorf("agent lists colleague's: %d %s", r.Status, r.Body)
	}

	// A colleague's message is invisible to the agent (404), in every form.
	for _, req := range []struct{ method, path string }{
		{"GET", "/v1/messages/" + theirs[0]}, {"GET", "/v1/messages/" + theirs[0] + "/audio"},
		{"POST", "/v1/messages/" + theirs[0] + "/handled"},
	} {
		if r := srv.Do(t, req.method, req.path, record.RoleAgent, nil); r.Status != http.StatusNotFound {
			t.Errorf("agent %s %s: %d %s", req.method, req.path, r.Status, r.Body)
		}
	}

	// The agent handles their newest; again is a no-op keeping the first time.
	r := srv.Do(t, "POST", "/v1/messages/"+mine[0]+"/handled", record.RoleAgent, nil)
	var h1, h2 record.Message
	r.Decode(t, &h1)
	if r.Status != http.StatusOK || h1.Status != record.MessageHandled || h1.HandledAt == nil || h1.HandledBy != srv.AgentID {
		t.Fatalf("handle: %d %s", r.Status, r.Body)
	}
	r = srv.Do(t, "POST", "/v1/messages/"+mine[0]+"/handled", record.RoleSupervisor, nil)
	r.Decode(t, &h2)
	if r.Status != http.StatusOK || !cmp.Equal(h1, h2) {
		t.Errorf("handle again: %d %s, want unchanged %+v", r.Status, r.Body, h1)
	}
	if got := listAll(record.RoleAgent, "&status=new"); !cmp.Equal(got, mine[1:]) {
		t.Errorf("new %v, want %v", got, mine[1:])
	}
	if got := listAll(record.RoleAgent, "&status=handled"); !cmp.Equal(got, mine[:1]) {
		t.Errorf("handled %v, want %v", got, mine[:1])
	}
	for _, q := range []string{"?status=read", "?staff_id=a%20b", "?limit=0", "?cursor=bm90LWEtY3Vyc29y", "?colour=red"} {
		if r := srv.Do(t, "GET", "/v1/messages"+q, record.RoleSupervisor, nil); r.Status != http.StatusBadRequest {
			t.Errorf("list%s: %d %s", q, r.Status, r.Body)
		}
	}
	if r := srv.Do(t, "POST", "/v1/messages/"+idAt(base, 99)+"/handled", record.RoleSupervisor, nil); r.Status != http.StatusNotFound {
		t.Errorf("handle unknown: %d %s", r.Status, r.Body)
	}
}
