package main

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// threeOrgs is a CSV file of three organizations: 48 bytes, names of 4 and 5 bytes.
var threeOrgs = importer.File{Name: "organizations.csv", Data: []byte("id,name,country\nA,Alpha,DE\nB,Beta,DE\nC,Gamma,DE\n")}

func TestImportLimitFlags(t *testing.T) {
	store := t.TempDir()
	files := writeFiles(t, []importer.File{threeOrgs})
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string // a line of the report, empty when the upload is accepted
	}{
		{"rows", nil, []string{"--max-rows", "2"}, `file "organizations.csv" row 4: more than 2 rows: split the sheet`},
		{"rows from the environment", map[string]string{"HOPCHECK_MAX_ROWS": "2"}, nil, `row 4: more than 2 rows`},
		{"cell", nil, []string{"--max-cell-bytes", "4"}, `file "organizations.csv" row 2 column B (name): cell is 5 bytes, more than the limit of 4`},
		{"cell from the environment", map[string]string{"HOPCHECK_MAX_CELL_BYTES": "4B"}, nil, `row 2 column B (name): cell is 5 bytes`},
		{"file", nil, []string{"--max-file-bytes", "40"}, `file "organizations.csv": file is 48 bytes, more than the limit of 40`},
		{"file from the environment", map[string]string{"HOPCHECK_MAX_FILE_BYTES": "40"}, nil, `file is 48 bytes, more than the limit of 40`},
		{"flag over the environment", map[string]string{"HOPCHECK_MAX_ROWS": "2"}, []string{"--max-rows", "3"}, ""},
		{"sizes with units", nil, []string{"--max-file-bytes", "1KiB", "--max-cell-bytes", "5", "--max-unzip-bytes", "1MiB"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"import", "--data-dir", store}, tt.args...), files...)
			code, out, errOut := hopWith(t, tt.env, args...)
			if tt.want == "" {
				if code != 0 || !strings.Contains(out, "3 rows") {
					t.Errorf("exit %d, want 0\n%s%s", code, out, errOut)
				}
				return
			}
			if code != 1 || !strings.Contains(out, tt.want) || !strings.Contains(out, "rejected: nothing was written") {
				t.Errorf("exit %d; want 1 and a report with %q\n%s%s", code, tt.want, out, errOut)
			}
			if u := exportWithoutFiles(t, store); len(u.Entities) != 0 {
				t.Errorf("a rejected upload wrote %d entities", len(u.Entities))
			}
		})
		if tt.want == "" {
			store = t.TempDir()
		}
	}

	for _, bad := range [][]string{{"--max-rows", "0"}, {"--max-rows", "many"}, {"--max-file-bytes", "1.5MiB"}, {"--max-cell-bytes", "-1"}} {
		if code, _, errOut := hop(t, append(append([]string{"import", "--data-dir", store}, bad...), files...)...); code == 0 || !strings.Contains(errOut, "invalid value") {
			t.Errorf("%v: exit %d, want an error from the flag\n%s", bad, code, errOut)
		}
	}
	code, _, errOut := hopWith(t, map[string]string{"HOPCHECK_MAX_UNZIP_BYTES": "lots"}, append([]string{"import", "--data-dir", store}, files...)...)
	if code != 1 || !strings.Contains(errOut, `HOPCHECK_MAX_UNZIP_BYTES="lots"`) {
		t.Errorf("bad HOPCHECK_MAX_UNZIP_BYTES: exit %d, want 1 naming the variable\n%s", code, errOut)
	}
}

// TestServeLimits checks that serve's limits reach the API: a row limit
// from the environment rejects an upload with the located error, and the
// upload size limit answers 413.
func TestServeLimits(t *testing.T) {
	url, _ := serving(t, map[string]string{"HOPCHECK_MAX_ROWS": "2"}, "--data-dir", t.TempDir(), "--max-upload-bytes", "2KiB")
	c := client{t, url, ""}
	var job graph.Job
	c.must("POST", "/api/v1/uploads", multipartFiles{threeOrgs.Name: threeOrgs.Data}, 202, &job)
	if j := waitJob(c, job.ID); j.State != graph.JobRejected || !strings.Contains(string(j.Report), "more than 2 rows") {
		t.Errorf("upload of 3 rows under a limit of 2: %s %s", j.State, j.Report)
	}
	big := []byte("id,name,country\n" + strings.Repeat("A,Alpha,DE\n", 300))
	code, body := c.call("POST", "/api/v1/uploads", multipartFiles{"organizations.csv": big})
	if code != 413 || !strings.Contains(string(body), graph.ETOOLARGE) {
		t.Errorf("upload of %d bytes under a limit of 2 KiB: %d %s", len(big), code, body)
	}
}
