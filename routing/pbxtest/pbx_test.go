package pbxtest_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"callsvc/ari"
	"callsvc/ari/aritest"
	"callsvc/routing/pbxtest"
)

func TestFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		ok   bool
		want pbxtest.RealConfig
	}{
		{"UnsetSkips", map[string]string{}, false, pbxtest.RealConfig{}},
		{"BlankSkips", map[string]string{pbxtest.EnvURL: "  "}, false, pbxtest.RealConfig{}},
		{"URLWithLabCredentials", map[string]string{pbxtest.EnvURL: "http://pbx:8088/ari"}, true,
			pbxtest.RealConfig{URL: "http://pbx:8088/ari", Username: "callsvc", Password: "callsvc"}},
		{"AllSet", map[string]string{pbxtest.EnvURL: "http://pbx:8088/ari", pbxtest.EnvUsername: "u", pbxtest.EnvPassword: "p"}, true,
			pbxtest.RealConfig{URL: "http://pbx:8088/ari", Username: "u", Password: "p"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := pbxtest.FromEnv(func(k string) string { return tc.env[k] })
			if ok != tc.ok || got != tc.want {
				t.Fatalf("FromEnv = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// eachPBX runs body on the stand-in and, when configured, a real Asterisk.
func eachPBX(t *testing.T, body func(t *testing.T, p pbxtest.PBX)) {
	t.Run("StandIn", func(t *testing.T) {
		p := pbxtest.NewStandIn(aritest.NewServer(aritest.Options{Speed: 50}))
		defer p.Close()
		body(t, p)
	})
	t.Run("Asterisk", func(t *testing.T) {
		cfg, ok := pbxtest.FromEnv(os.Getenv)
		if !ok {
			t.Skip(pbxtest.SkipReason)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p, err := pbxtest.NewReal(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		body(t, p)
	})
}

// The application answers a caller and plays two prompts; the caller hears
// both in order and its digits reach the application; a busy phone refuses
// an originated leg, an answering one comes up.
func TestCallerAndPhones(t *testing.T) {
	eachPBX(t, func(t *testing.T, p pbxtest.PBX) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		app, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: p.URL(), WSURL: p.WSURL()}},
			Username: p.Username(), Password: p.Password()})
		if err != nil {
			t.Fatal(err)
		}
		defer app.Close()
		node := p.NodeID()
		starts := app.StasisStarts(ctx, node)
		caller, err := p.Dial(ctx, pbxtest.CallerOptions{From: "+8613800138000", Name: "Caller"})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := starts.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st := ev.(*ari.StasisStart)
		if st.Channel.ID != caller.ChannelID() || st.Channel.Caller.Number != "+8613800138000" {
			t.Fatalf("StasisStart for %s from %q, want %s from +8613800138000", st.Channel.ID, st.Channel.Caller.Number, caller.ChannelID())
		}
		ch := ari.ChannelKey(node, st.Channel.ID)
		sub := app.Subscribe(ctx, ch)
		if err := app.Answer(ctx, ch); err != nil {
			t.Fatal(err)
		}
		if _, err := app.PlayAndWait(ctx, ch, "sound:hello-world", "sound:auth-thankyou"); err != nil {
			t.Fatal(err)
		}
		if err := caller.WaitHeard(ctx, "sound:auth-thankyou"); err != nil {
			t.Fatal(err)
		}
		if h := caller.Heard(); !slices.Equal(h, []string{"sound:hello-world", "sound:auth-thankyou"}) {
			t.Fatalf("caller heard %v", h)
		}
		if err := caller.Press(ctx, "7"); err != nil {
			t.Fatal(err)
		}
		for {
			ev, err := sub.Next(ctx)
			if err != nil {
				t.Fatalf("digit never arrived: %v", err)
			}
			if d, ok := ev.(*ari.ChannelDtmfReceived); ok {
				if d.Digit != "7" {
					t.Fatalf("digit %q, want 7", d.Digit)
				}
				break
			}
		}

		p.AddPhone("3901", pbxtest.PhoneOptions{Busy: true})
		answering := p.AddPhone("3902", pbxtest.PhoneOptions{AnswerAfter: 200 * time.Millisecond})
		busyLeg := ari.ChannelKey(node, "pbxtest-busy-"+ari.NewID())
		busySub := app.Subscribe(ctx, busyLeg)
		if _, err := app.Originate(ctx, node, ari.OriginateRequest{Endpoint: p.Endpoint("3901"), AppArgs: []string{"agent"},
			ChannelID: busyLeg.ID, Timeout: 10}); err != nil {
			t.Fatal(err)
		}
		if _, err := app.SubscribeSource(ctx, busyLeg); err != nil && !ari.IsNotFound(err) && !ari.IsUnprocessable(err) {
			t.Fatal(err)
		}
		for status := ""; status != "BUSY"; {
			ev, err := busySub.Next(ctx)
			if err != nil {
				t.Fatalf("no BUSY for the busy phone: %v", err)
			}
			if d, ok := ev.(*ari.Dial); ok && d.Peer.ID == busyLeg.ID {
				status = d.DialStatus
			}
		}
		if _, err := app.Originate(ctx, node, ari.OriginateRequest{Endpoint: answering.Endpoint(), AppArgs: []string{"agent"}, Timeout: 10}); err != nil {
			t.Fatal(err)
		}
		leg, err := answering.WaitRinging(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := leg.WaitUp(ctx); err != nil {
			t.Fatal(err)
		}
		if err := leg.Hangup(ctx); err != nil {
			t.Fatal(err)
		}
		if err := caller.Hangup(ctx); err != nil {
			t.Fatal(err)
		}
		select {
		case <-caller.Done():
		case <-ctx.Done():
			t.Fatal("caller still up after hanging up")
		}
	})
}
