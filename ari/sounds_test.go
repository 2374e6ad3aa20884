package ari_test

import (
	"context"
	"testing"
	"time"

	"callsvc/ari"
	"callsvc/ari/aritest"
)

func TestSoundsAgainstAritest(t *testing.T) {
	srv := aritest.NewServer(aritest.Options{Username: "u", Password: "p",
		Sounds: []string{"hello-world", "callsvc/zh/greeting", "callsvc/en/greeting"}})
	t.Cleanup(srv.Close)
	c := connect(t, srv)
	ctx := testCtx(t)
	node := c.Nodes()[0]

	list, err := c.Sounds(ctx, node, "", "")
	if err != nil {
		t.Fatal(err)
	}
	plays := func(name string) bool {
		for i := range list {
			if list[i].Plays(name) {
				return true
			}
		}
		return false
	}
	for _, name := range []string{"hello-world", "callsvc/zh/greeting", "callsvc/en/greeting"} {
		if !plays(name) {
			t.Errorf("GET /sounds %+v: nothing plays sound:%s", list, name)
		}
	}
	if plays("callsvc/zh/goodbye") || plays("zh/greeting/x") {
		t.Errorf("GET /sounds %+v claims a sound that is not there", list)
	}
	// Asterisk's index files callsvc/zh/greeting as id zh/greeting in
	// "language" callsvc.
	one, err := c.Sounds(ctx, node, "callsvc", "")
	if err != nil || len(one) != 2 || one[0].ID != "en/greeting" || one[0].Formats[0].Language != "callsvc" {
		t.Fatalf("GET /sounds?lang=callsvc = %+v, %v", one, err)
	}
	s, err := c.Sound(ctx, node, "hello-world")
	if err != nil || s.ID != "hello-world" || s.Node != node || !s.Plays("hello-world") {
		t.Fatalf("GET /sounds/hello-world = %+v, %v", s, err)
	}
	if _, err := c.Sound(ctx, node, "no-such-sound"); !ari.IsNotFound(err) {
		t.Fatalf("missing sound: err = %v, want not found", err)
	}
}

// TestConnectRESTRegistersNoApplication: a REST-only client answers
// requests but opens no event socket, so the application stays
// unregistered (and a running service keeps its socket).
func TestConnectRESTRegistersNoApplication(t *testing.T) {
	srv := newNode(t, "node-r")
	ctx := testCtx(t)
	cfg := ari.Config{Username: "u", Password: "p", Nodes: []ari.NodeConfig{{URL: srv.URL()}}}
	c, err := ari.ConnectREST(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Nodes(); len(got) != 1 || got[0] != "node-r" {
		t.Fatalf("nodes = %v, want [node-r]", got)
	}
	if _, err := c.Application(ctx, "node-r", ""); !ari.IsNotFound(err) {
		t.Fatalf("application after ConnectREST: err = %v, want 404 (not registered)", err)
	}
	// With the service connected, the REST client sees it registered.
	svc := connect(t, srv)
	_ = svc
	if app, err := c.Application(ctx, "node-r", ""); err != nil || app.Name != "callsvc" {
		t.Fatalf("application with the service up = %+v, %v", app, err)
	}

	cfg.Password = "wrong"
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := ari.ConnectREST(short, cfg); !ari.IsUnauthorized(err) {
		t.Fatalf("wrong password: err = %v, want unauthorized", err)
	}
}
