package api_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"callsvc/api/apitest"
	"callsvc/api/record"
)

func TestMetricsByRouteAndStatus(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	missing := "/v1/calls/" + idAt(t0, 7)
	for range 3 {
		srv.Do(t, "GET", missing, record.RoleSupervisor, nil) // 404, three times
	}
	srv.Do(t, "GET", "/v1/calls", record.RoleSupervisor, nil) // 200
	srv.Do(t, "GET", "/v1/calls", "", nil)                    // 401

	families, err := srv.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	count := func(name, route, status string) uint64 {
		for _, f := range families {
			if f.GetName() != name {
				continue
			}
			for _, m := range f.GetMetric() {
				if label(m, "route") == route && label(m, "status") == status && label(m, "method") == "GET" {
					if h := m.GetHistogram(); h != nil {
						return h.GetSampleCount()
					}
					return uint64(m.GetCounter().GetValue())
				}
			}
		}
		return 0
	}
	for _, tc := range []struct {
		route, status string
		want          uint64
	}{
		{"/v1/calls/{id}", "404", 3},
		{"/v1/calls", "200", 1},
		{"/v1/calls", "401", 1},
	} {
		if got := count("callsvc_http_requests_total", tc.route, tc.status); got != tc.want {
			t.Errorf("requests %s %s: %d, want %d", tc.route, tc.status, got, tc.want)
		}
		if got := count("callsvc_http_request_duration_seconds", tc.route, tc.status); got != tc.want {
			t.Errorf("duration samples %s %s: %d, want %d", tc.route, tc.status, got, tc.want)
		}
	}
	// And /metrics serves them in the text format.
	r := srv.Do(t, "GET", "/metrics", "", nil)
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `callsvc_http_requests_total{method="GET",route="/v1/calls/{id}",status="404"} 3`) {
		t.Errorf("/metrics: %d\n%s", r.Status, r.Body)
	}
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// TestMetricsLabelsAreBounded (issue 11, medium 4): made-up methods and
// paths collapse into one label value each, so however many a client
// sends, the series stay few.
func TestMetricsLabelsAreBounded(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	rnd := rand.New(rand.NewPCG(11, 4))
	paths := []string{"/v1/calls", "/v1/calls/" + idAt(t0, 1), "/healthz", "/nowhere", "/v1/nowhere"}
	for i := range 400 {
		method := fmt.Sprintf("M%08X", rnd.Uint32())
		path := paths[i%len(paths)]
		if i%2 == 1 {
			path = fmt.Sprintf("/x%d/%d", rnd.IntN(1e6), i)
		}
		r := srv.Do(t, method, path, record.RoleSupervisor, nil)
		if r.Status != http.StatusMethodNotAllowed && r.Status != http.StatusNotFound {
			t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
		}
	}
	families, err := srv.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	series := 0
	for _, f := range families {
		if f.GetName() != "callsvc_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			series++
			if method := label(m, "method"); method != "other" && method != "GET" {
				t.Errorf("method label %q", method)
			}
			if route := label(m, "route"); strings.Contains(route, "/x") {
				t.Errorf("route label %q from an unmatched path", route)
			}
		}
	}
	if series > 6 {
		t.Errorf("%d series after 400 made-up methods and paths, want a handful", series)
	}
}

// TestMethodNotAllowedSaysAllow (issue 11, low): a 405 names the methods the
// path serves; a made-up method on a path nothing serves is 404.
func TestMethodNotAllowedSaysAllow(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	for path, want := range map[string]string{
		"/v1/calls":                              "GET, POST",
		"/v1/calls/" + idAt(t0, 1):               "GET, PUT",
		"/v1/staff/" + srv.AgentID + "/presence": "GET, PUT",
		"/healthz":                               "GET",
	} {
		r := srv.Do(t, "PATCH", path, record.RoleSupervisor, nil)
		if r.Status != http.StatusMethodNotAllowed || r.Header.Get("Allow") != want {
			t.Errorf("PATCH %s: %d Allow %q, want 405 with %q", path, r.Status, r.Header.Get("Allow"), want)
		}
	}
	if r := srv.Do(t, "BREW", "/v1/coffee", record.RoleSupervisor, nil); r.Status != http.StatusNotFound {
		t.Errorf("BREW /v1/coffee: %d, want 404", r.Status)
	}
}
