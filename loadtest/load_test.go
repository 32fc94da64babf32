package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestScreenUnderLoad builds hopcheck, serves the demo on the embedded
// store on a loopback port, and holds LOADTEST_RPS screenings a second
// (default 200) for LOADTEST_DURATION (default 5s) while an upload of
// LOADTEST_SCALE generated entities (default 5000) runs: no request may
// fail and the upload must end done. The full run of docs/HARDENING.md:
//
//	LOADTEST_RPS=500 LOADTEST_DURATION=60s LOADTEST_SCALE=50000 go test -count=1 -v -run TestScreenUnderLoad ./loadtest/
func TestScreenUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves hopcheck for seconds")
	}
	rps := envInt("LOADTEST_RPS", 200)
	duration := 5 * time.Second
	if d, err := time.ParseDuration(os.Getenv("LOADTEST_DURATION")); err == nil && d > 0 {
		duration = d
	}
	scale := envInt("LOADTEST_SCALE", 5000)

	bin := filepath.Join(t.TempDir(), "hopcheck")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/hopcheck").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	files := t.TempDir()
	if out, err := exec.Command(bin, "gen", "--scale", strconv.Itoa(scale), "-o", files).CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}

	srv := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--demo", "--data-dir", t.TempDir(), "--grace", "5s")
	srv.Env = append(os.Environ(), "HOME="+t.TempDir())
	stderr, err := srv.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = srv.Process.Kill()
		}
	}()
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`url=(http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	var base string
	select {
	case base = <-addr:
	case <-time.After(time.Minute):
		t.Fatal("hopcheck serve did not report its address")
	}

	c, err := parse([]string{"-url", base, "-rps", strconv.Itoa(rps), "-duration", duration.String(), "-upload", files}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rps for %s with an upload of scale %d:\n%s", rps, duration, scale, res)
	if res.Errors > 0 || res.Dropped > 0 {
		t.Errorf("%d errors, %d requests not sent", res.Errors, res.Dropped)
	}
	if res.Upload != "done" {
		t.Errorf("the upload ended %q", res.Upload)
	}
}

func TestOnlyLoopback(t *testing.T) {
	for _, u := range []string{"http://example.com", "http://10.0.0.1:8080", "http://0.0.0.0:8080"} {
		if _, err := parse([]string{"-url", u}, io.Discard); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, a := range [][]string{{"-rps", "0"}, {"-rps", "100000"}, {"-duration", "1h"}} {
		if _, err := parse(a, io.Discard); err == nil {
			t.Errorf("%v accepted", a)
		}
	}
	if _, err := parse([]string{"-url", "http://[::1]:1"}, io.Discard); err != nil {
		t.Errorf("::1 refused: %v", err)
	}
}
