package api

import (
	"context"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hopcheck/hopcheck/graph"
)

// metrics live on a private registry: two servers in one process (tests)
// do not share them.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	screenings *prometheus.CounterVec
	rows       prometheus.Counter
	uploads    *prometheus.CounterVec
}

func newMetrics(store graph.Store) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hopcheck_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hopcheck_http_request_duration_seconds", Help: "HTTP request latency by route template and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		screenings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hopcheck_screenings_total", Help: "Counterparty screenings by verdict.",
		}, []string{"verdict"}),
		rows: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hopcheck_rows_imported_total", Help: "Spreadsheet rows of uploads written to the store.",
		}),
		uploads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hopcheck_uploads_total", Help: "Upload jobs finished, by final state.",
		}, []string{"state"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.screenings, m.rows, m.uploads,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		flagCollector{store})
	return m
}

// observe counts requests by route template, never by raw path: ids in
// paths would make a series per entity.
func (m *metrics) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := routeOf(c)
		m.requests.WithLabelValues(route, c.Request.Method, strconv.Itoa(c.Writer.Status())).Inc()
		m.latency.WithLabelValues(route, c.Request.Method).Observe(time.Since(start).Seconds())
	}
}

func (m *metrics) handler() gin.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
	return gin.WrapH(h)
}

// routeOf is the route template of a request, "unmatched" when none.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}

// flagCollector reports the stored flags by severity when scraped, so
// that every server sharing a store reports the same numbers.
type flagCollector struct{ store graph.Store }

var flagsDesc = prometheus.NewDesc("hopcheck_flags", "Stored flags by severity (not counting clear ones).", []string{"severity"}, nil)

func (f flagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- flagsDesc }

func (f flagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := f.store.Stats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(flagsDesc, err)
		return
	}
	for _, s := range []graph.Severity{graph.Critical, graph.High, graph.Medium} {
		ch <- prometheus.MustNewConstMetric(flagsDesc, prometheus.GaugeValue, float64(st.Flags[s]), string(s))
	}
}
