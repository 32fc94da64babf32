package api_test

import (
	"strings"
	"testing"
)

func TestMetricsByRouteTemplate(t *testing.T) {
	s := mustServer(t, true)
	s.mustJSON("GET", "/api/v1/entities/ORG-CYP", nil, 200, nil)
	s.mustJSON("GET", "/api/v1/entities/ORG-BSI", nil, 200, nil)
	s.mustJSON("POST", "/api/v1/screen", map[string]string{"id": "ORG-BSI"}, 200, nil)
	s.do("GET", "/no/such/path", nil)
	w := s.do("GET", "/metrics", nil)
	if w.Code != 200 {
		t.Fatalf("metrics: %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		`hopcheck_http_requests_total{method="GET",route="/api/v1/entities/:id",status="200"} 2`,
		`hopcheck_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`hopcheck_http_request_duration_seconds_count{method="GET",route="/api/v1/entities/:id"} 2`,
		`hopcheck_screenings_total{verdict="block"} 1`,
		`hopcheck_flags{severity="critical"} 6`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, raw := range []string{"ORG-CYP", "/no/such/path"} {
		if strings.Contains(body, raw) {
			t.Errorf("metrics are labelled by a raw path: %s", raw)
		}
	}
}
