package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/importer/importertest"
)

// maxPeakRSS is what a server may reach, at its peak, while it refuses
// the inputs of TestHostileInputsPeakMemory: far below the 6.4 GB that
// the shared-strings bomb took before it was bounded.
const maxPeakRSS = 512 << 20

// TestHostileInputsPeakMemory runs the real binary (`hopcheck serve`, no
// keys, embedded store) and sends it, one after the other, the inputs of
// issue 16 through every path that reads a spreadsheet: the upload's
// preview, the upload job, and batch screening with a spreadsheet answer.
// Then it stops the server and reads the peak resident set size of its
// whole life from the kernel (getrusage's ru_maxrss). A server started
// and stopped without these requests gives the baseline.
func TestHostileInputsPeakMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and sends 2 MB bombs")
	}
	bin := buildHopcheck(t)
	baseline := servePeak(t, bin, nil)
	inputs := []struct {
		name string
		data []byte
	}{
		{"strings.xlsx", importertest.SharedStringsBomb(900, "<si><t>a</t></si>")},
		{"strings.xlsx", importertest.SharedStringsBomb(24, "<si><t/></si>")},
		{"organizations.csv", importertest.WideCSV(1_000_000)},
	}
	peak := servePeak(t, bin, func(url string) {
		for _, in := range inputs {
			what := fmt.Sprintf("%s (%d bytes)", in.name, len(in.data))
			code, body := postFile(t, url+"/api/v1/uploads?preview=true", in.name, in.data, "")
			if code != 200 || !strings.Contains(body, `"errors":[{`) {
				t.Errorf("preview of %s: %d %.300s", what, code, body)
			}
			code, body = postFile(t, url+"/api/v1/uploads", in.name, in.data, "")
			var job struct {
				ID    string `json:"id"`
				State string `json:"state"`
			}
			if code != 202 || json.Unmarshal([]byte(body), &job) != nil {
				t.Fatalf("upload of %s: %d %.300s", what, code, body)
			}
			for end := time.Now().Add(2 * time.Minute); job.State != "rejected" && time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
				res, err := http.Get(url + "/api/v1/uploads/" + job.ID)
				if err != nil {
					t.Fatal(err)
				}
				json.NewDecoder(res.Body).Decode(&job)
				res.Body.Close()
			}
			if job.State != "rejected" {
				t.Errorf("upload of %s: job %s, want rejected", what, job.State)
			}
			code, body = postFile(t, url+"/api/v1/screen/batch", in.name, in.data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			if code != 400 {
				t.Errorf("batch screening of %s: %d %.300s", what, code, body)
			}
		}
	})
	t.Logf("peak RSS: %d MiB serving and refusing the inputs, %d MiB for a server that only starts and stops", peak>>20, baseline>>20)
	if peak > maxPeakRSS {
		t.Errorf("peak RSS %d MiB, more than %d MiB", peak>>20, maxPeakRSS>>20)
	}
}

// servePeak runs `hopcheck serve` on a free loopback port, calls fn with
// its URL, stops it with SIGTERM and returns its peak RSS in bytes.
func servePeak(t *testing.T, bin string, fn func(url string)) int64 {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "TMPDIR="+t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	var log bytes.Buffer
	go func() {
		served := regexp.MustCompile(`msg=serving url=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := served.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	select {
	case url := <-urls:
		if fn != nil {
			fn(url)
		}
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatalf("hopcheck serve did not start:\n%s", log.String())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("hopcheck serve: %v", err)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
}

func postFile(t *testing.T, url, name string, data []byte, accept string) (int, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("file", name)
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", url, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}
