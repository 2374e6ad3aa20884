package api_test

import (
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
