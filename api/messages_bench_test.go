package api_test

import (
	"net/http"
	"testing"
	"time"

	"callsvc/api/apitest"
	"callsvc/api/record"
)

// BenchmarkMessageAudio: store a minute of 8 kHz 16-bit audio (960 kB) for a
// new message and download it again, over HTTP into PostgreSQL and back.
func BenchmarkMessageAudio(b *testing.B) {
	srv := apitest.New(b)
	wav := apitest.WAV(8000*60, 3)
	at := time.Now().Add(-time.Hour).UTC()
	n := 0
	b.SetBytes(int64(2 * len(wav)))
	for b.Loop() {
		n++
		id := idAt(at, n)
		if r := srv.Do(b, "PUT", "/v1/messages/"+id, record.RoleService, messageAt(n, at, srv.AgentID)); r.Status != http.StatusCreated {
			b.Fatalf("create: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(b, "PUT", "/v1/messages/"+id+"/audio", record.RoleService, wav, "Content-Type", "audio/wav"); r.Status != http.StatusOK {
			b.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		if r := srv.Do(b, "GET", "/v1/messages/"+id+"/audio", record.RoleAgent, nil); len(r.Body) != len(wav) {
			b.Fatalf("download: %d bytes", len(r.Body))
		}
	}
}
