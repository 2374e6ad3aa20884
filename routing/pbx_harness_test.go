package routing_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"callsvc/routing/pbxtest"
)

// onEachPBX runs a scenario against the stand-in and, when
// CALLSVC_TEST_ARI_URL names one, against a real Asterisk (in real time,
// the clock pinned to a working Friday 10:00 in Shanghai as on the
// stand-in). The real runs are not parallel: one engine at a time may own
// the application there.
func onEachPBX(t *testing.T, body func(t *testing.T, sc *scenario)) {
	onEachPBXWith(t, scenarioOptions{}, body)
}

// onEachPBXWith is onEachPBX with options for both runs (a real Asterisk
// runs in real time).
func onEachPBXWith(t *testing.T, o scenarioOptions, body func(t *testing.T, sc *scenario)) {
	t.Run("StandIn", func(t *testing.T) {
		t.Parallel()
		body(t, newScenario(t, o))
	})
	t.Run("Asterisk", func(t *testing.T) {
		cfg, ok := pbxtest.FromEnv(os.Getenv)
		if !ok {
			t.Skip(pbxtest.SkipReason)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		pbx, err := pbxtest.NewReal(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pbx.Close)
		// A copy: the parallel stand-in run reads o after this one.
		onReal := o
		onReal.pbx = pbx
		body(t, newScenario(t, onReal))
	})
}

// observable drops from want what this PBX cannot report hearing (music
// on hold on a real Asterisk produces no ARI event).
func (sc *scenario) observable(want ...string) []string {
	return slices.DeleteFunc(slices.Clone(want), func(w string) bool {
		kind, _, _ := strings.Cut(w, ":")
		return !sc.pbx.Observes(kind)
	})
}

// waitGone waits until a party's channel is gone; failure says what is
// wrong if it is still up at the scenario's deadline.
func (sc *scenario) waitGone(p interface{ Done() <-chan struct{} }, failure string) {
	sc.t.Helper()
	gone := false
	sc.script.wait(func() {
		select {
		case <-p.Done():
			gone = true
		case <-sc.ctx.Done():
		}
	})
	if !gone {
		sc.t.Fatal(failure)
	}
}
