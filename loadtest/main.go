// Command loadtest holds a fixed rate of POST /api/v1/screen against a
// hopcheck server on this machine, optionally while an upload runs, and
// reports latency percentiles and errors. It is bounded in rate, time and
// count, talks to loopback addresses only, and stops by itself.
//
//	go run ./loadtest -url http://127.0.0.1:8080 -rps 500 -duration 60s -upload DIR
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Hard bounds, whatever the flags say.
const (
	maxRate     = 5000
	maxDuration = 10 * time.Minute
	maxInFlight = 512
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is what the flags set.
type config struct {
	base     *url.URL
	rps      int
	duration time.Duration
	key      string
	upload   string // directory of CSV files to upload once the load runs
	names    []string
}

// defaultNames are counterparties of the demo data and names nobody knows.
var defaultNames = []string{"Emerald Gulf Technologies", "Orion Tech LLC", "Nobody Known At All", "Vega Systems GmbH",
	"Ministry of Public Security", "Harbor Logistics", "Zenith Analytics", "Blue Lantern Trading"}

func parse(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "http://127.0.0.1:8080", "base URL of the hopcheck server; loopback only")
	rps := fs.Int("rps", 200, "screening requests per second")
	duration := fs.Duration("duration", 5*time.Second, "how long to hold the rate")
	key := fs.String("key", os.Getenv("HOPCHECK_KEY"), "API key (screening role or above), if the server has keys (env HOPCHECK_KEY)")
	upload := fs.String("upload", "", "directory of CSV files to upload while the load runs")
	names := fs.String("names", "", "file of names to screen, one a line (default: a few demo names)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	c := config{rps: *rps, duration: *duration, key: *key, upload: *upload, names: defaultNames}
	u, err := url.Parse(*rawURL)
	if err != nil || u.Host == "" {
		return c, fmt.Errorf("-url %q is not a URL", *rawURL)
	}
	if !loopback(u.Hostname()) {
		return c, fmt.Errorf("-url %s: only loopback addresses (127.0.0.1, ::1, localhost) may be loaded", *rawURL)
	}
	c.base = u
	if c.rps < 1 || c.rps > maxRate {
		return c, fmt.Errorf("-rps %d: give 1 to %d", c.rps, maxRate)
	}
	if c.duration <= 0 || c.duration > maxDuration {
		return c, fmt.Errorf("-duration %s: give up to %s", c.duration, maxDuration)
	}
	if *names != "" {
		data, err := os.ReadFile(*names)
		if err != nil {
			return c, err
		}
		c.names = nil
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				c.names = append(c.names, l)
			}
		}
		if len(c.names) == 0 {
			return c, fmt.Errorf("-names %s: no names", *names)
		}
	}
	return c, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Result is what a run measured.
type Result struct {
	Sent, OK, Errors, Dropped int
	Latencies                 []time.Duration // of the requests that answered 200
	Elapsed                   time.Duration
	FirstErrors               []string
	Upload                    string        // the upload job's final state, if one ran
	UploadTime                time.Duration // from POST to its final state
}

// Percentile returns the p-th percentile (0–100) of the latencies.
func (r *Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies)-1) * p / 100)
	return r.Latencies[i]
}

func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "screen: %d sent in %s (%.0f/s), %d ok, %d errors, %d not sent (too many in flight)\n",
		r.Sent, r.Elapsed.Round(time.Millisecond), float64(r.Sent)/r.Elapsed.Seconds(), r.OK, r.Errors, r.Dropped)
	fmt.Fprintf(&b, "latency: p50 %s  p90 %s  p99 %s  max %s\n", ms(r.Percentile(50)), ms(r.Percentile(90)), ms(r.Percentile(99)), ms(r.Percentile(100)))
	if r.Upload != "" {
		fmt.Fprintf(&b, "upload: %s after %s\n", r.Upload, r.UploadTime.Round(time.Millisecond))
	}
	for _, e := range r.FirstErrors {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 2
	}
	res, err := Run(ctx, c)
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, res.String())
	if res.Errors > 0 || res.Dropped > 0 || (res.Upload != "" && res.Upload != "done") {
		return 1
	}
	return 0
}

// Run holds the rate for the duration and returns what it measured.
func Run(ctx context.Context, c config) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, c.duration+time.Minute)
	defer cancel()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: maxInFlight, MaxIdleConnsPerHost: maxInFlight, IdleConnTimeout: 30 * time.Second}}
	res := &Result{}
	var mu sync.Mutex
	var wg sync.WaitGroup

	uploadDone := make(chan struct{})
	if c.upload != "" {
		go func() {
			defer close(uploadDone)
			start := time.Now()
			state, err := upload(ctx, client, c)
			mu.Lock()
			res.Upload, res.UploadTime = state, time.Since(start)
			if err != nil {
				res.Upload = "error: " + err.Error()
			}
			mu.Unlock()
		}()
	} else {
		close(uploadDone)
	}

	slots := make(chan struct{}, maxInFlight)
	interval := time.Second / time.Duration(c.rps)
	total := int(c.duration / interval)
	start := time.Now()
	for i := 0; i < total; i++ {
		// Open loop: request i goes at start + i×interval, late or not.
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case slots <- struct{}{}:
		default:
			mu.Lock()
			res.Dropped++
			mu.Unlock()
			continue
		}
		res.Sent++
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			defer func() { <-slots }()
			lat, err := screen(ctx, client, c, name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.Errors++
				if len(res.FirstErrors) < 5 {
					res.FirstErrors = append(res.FirstErrors, err.Error())
				}
				return
			}
			res.OK++
			res.Latencies = append(res.Latencies, lat)
		}(c.names[i%len(c.names)])
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	<-uploadDone
	sort.Slice(res.Latencies, func(i, j int) bool { return res.Latencies[i] < res.Latencies[j] })
	return res, nil
}

func (c config) request(ctx context.Context, method, path, ctype string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base.JoinPath(path).String(), body)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	return req, nil
}

func screen(ctx context.Context, client *http.Client, c config, name string) (time.Duration, error) {
	body, _ := json.Marshal(map[string]string{"name": name})
	req, err := c.request(ctx, http.MethodPost, "/api/v1/screen", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	lat := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		return lat, fmt.Errorf("screen %q: status %d", name, resp.StatusCode)
	}
	return lat, nil
}

// upload posts the CSV files of c.upload as one upload and waits for the
// job to end; it returns the job's final state.
func upload(ctx context.Context, client *http.Client, c config) (string, error) {
	paths, _ := filepath.Glob(filepath.Join(c.upload, "*.csv"))
	if len(paths) == 0 {
		return "", fmt.Errorf("no CSV files in %s", c.upload)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		w, _ := mw.CreateFormFile("file", filepath.Base(p))
		_, _ = w.Write(data)
	}
	_ = mw.Close()
	req, err := c.request(ctx, http.MethodPost, "/api/v1/uploads", mw.FormDataContentType(), &body)
	if err != nil {
		return "", err
	}
	var job struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Error string `json:"error"`
	}
	if err := do(client, req, http.StatusAccepted, &job); err != nil {
		return "", err
	}
	for !slices.Contains([]string{"done", "rejected", "failed", "interrupted"}, job.State) {
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return job.State, ctx.Err()
		}
		req, _ := c.request(ctx, http.MethodGet, "/api/v1/uploads/"+job.ID, "", nil)
		if err := do(client, req, http.StatusOK, &job); err != nil {
			return "", err
		}
	}
	if job.Error != "" {
		return job.State + ": " + job.Error, nil
	}
	return job.State, nil
}

func do(client *http.Client, req *http.Request, status int, v any) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		return fmt.Errorf("%s %s: status %d: %.200s", req.Method, req.URL.Path, resp.StatusCode, data)
	}
	return json.Unmarshal(data, v)
}
