package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/xref"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats"
)

// maxFiles bounds the files of one upload.
const maxFiles = 20

// handleUpload takes one XLSX workbook or several CSV files. With
// ?preview=true it answers with the sheets, kinds, header mapping and
// first rows, writing nothing; otherwise it starts a job and answers 202.
func handleUpload(deps Deps, m *metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		files, opts, err := readUpload(c, deps)
		if err != nil {
			respondErr(c, err)
			return
		}
		opts.Limits = deps.ImportLimits
		if preview, _ := strconv.ParseBool(c.Query("preview")); preview {
			respond(c, http.StatusOK, importer.PreviewFiles(files, opts, 10))
			return
		}
		who := callerOf(c)
		now := deps.Now().UTC()
		opts.Uploader, opts.Now = who.Name, now
		job := graph.Job{ID: graph.NewJobID(), Upload: importer.UploadID(files, opts), State: graph.JobValidating,
			By: who.Name, Created: now, Updated: now}
		for _, f := range files {
			job.Files = append(job.Files, f.Name)
		}
		ctx := c.Request.Context()
		// No upload without its audit entry: the entry is written first.
		if err := mustAudit(ctx, deps, graph.AuditEntry{At: now, By: who.Name, Action: "upload", Target: job.ID,
			Detail: strings.Join(job.Files, ", ")}); err != nil {
			respondErr(c, err)
			return
		}
		if err := deps.Store.SaveJob(ctx, job); err != nil {
			respondErr(c, err)
			return
		}
		deps.Background.Go(func(ctx context.Context) { runUpload(ctx, deps, m, job, files, opts) })
		c.Header("Location", "/api/v1/uploads/"+job.ID)
		respond(c, http.StatusAccepted, job)
	}
}

// readUpload reads the multipart form: files under any field name, and the
// optional kind, mapping (YAML, as a field or a file), date_format and
// references (JSON: a reference's text → the entity id it means),
// decimal_comma (true: numbers written 96.000,00) and mapping_name (a
// saved mapping, instead of mapping).
func readUpload(c *gin.Context, deps Deps) ([]importer.File, importer.Options, error) {
	opts := importer.Options{Formats: formats.All()}
	form, err := c.MultipartForm()
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, opts, err
		}
		return nil, opts, invalid("expected a multipart/form-data body with the files: %v", err)
	}
	defer form.RemoveAll()
	opts.Kind = strings.TrimSpace(first(form.Value["kind"]))
	if df := strings.TrimSpace(first(form.Value["date_format"])); df != "" {
		if _, err := importer.ParseDateFormat(df); err != nil {
			return nil, opts, invalid("date_format: %v", err)
		}
		opts.DateFormat = df
	}
	if refs := first(form.Value["references"]); refs != "" {
		if err := json.Unmarshal([]byte(refs), &opts.References); err != nil {
			return nil, opts, invalid("references: expected a JSON object of reference text to entity id: %v", err)
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(first(form.Value["decimal_comma"]))); v {
	case "", "false", "no", "0":
	case "true", "yes", "1":
		opts.DecimalComma = true
	default:
		return nil, opts, invalid("decimal_comma: %q is not true or false", v)
	}
	mapping := []byte(first(form.Value["mapping"]))
	var files []importer.File
	for field, fhs := range form.File {
		for _, fh := range fhs {
			data, err := readPart(fh)
			if err != nil {
				return nil, opts, err
			}
			if field == "mapping" {
				mapping = data
				continue
			}
			files = append(files, importer.File{Name: filepath.Base(fh.Filename), Data: data})
		}
	}
	name := strings.TrimSpace(first(form.Value["mapping_name"]))
	switch {
	case name != "" && len(mapping) > 0:
		return nil, opts, invalid("mapping and mapping_name: send one of them")
	case name != "":
		if opts.Mapping, err = importer.SavedMapping(c.Request.Context(), deps.Store, name); err != nil {
			return nil, opts, err
		}
	case len(mapping) > 0:
		if opts.Mapping, err = importer.ParseMapping(mapping); err != nil {
			return nil, opts, invalid("mapping: %v", err)
		}
	}
	if len(files) == 0 {
		return nil, opts, invalid("no files: send one XLSX workbook or one or more CSV files")
	}
	if len(files) > maxFiles {
		return nil, opts, invalid("%d files: at most %d in one upload", len(files), maxFiles)
	}
	xlsx := 0
	for _, f := range files {
		if strings.EqualFold(filepath.Ext(f.Name), ".xlsx") {
			xlsx++
		}
	}
	if xlsx > 0 && len(files) > 1 {
		return nil, opts, invalid("an upload is one XLSX workbook or several CSV files, not both or several workbooks")
	}
	// The form's map has no order; the upload id must not depend on it.
	sortFiles(files)
	return files, opts, nil
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, invalid("file %q: %v", fh.Filename, err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, invalid("file %q: %v", fh.Filename, err)
	}
	return data, nil
}

func sortFiles(fs []importer.File) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Name < fs[j-1].Name; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// progressEvery is how often a running job's progress is saved.
const progressEvery = 500 * time.Millisecond

// uploadRun is an upload job as it runs. The importer reports progress
// through a callback that may run while the store holds its write lock, so
// the callback only records it, and a ticker saves it.
type uploadRun struct {
	deps Deps
	log  *slog.Logger
	save context.Context // saving the outcome must not fail because the server is stopping

	mu       sync.Mutex // guards progress, set by the importer; never held while saving
	progress graph.JobProgress

	jobMu sync.Mutex // guards job, held while saving it
	job   graph.Job

	touched []string // the entities the upload wrote or linked, once written
}

func (r *uploadRun) report(p importer.Progress) {
	r.mu.Lock()
	r.progress = graph.JobProgress{Phase: string(p.Phase), Done: p.Done, Total: p.Total}
	r.mu.Unlock()
}

// update changes the job, brings its progress up to date, and saves it.
func (r *uploadRun) update(change func(j *graph.Job)) error {
	r.mu.Lock()
	p := r.progress
	r.mu.Unlock()
	r.jobMu.Lock()
	defer r.jobMu.Unlock()
	if change == nil && p == r.job.Progress {
		return nil
	}
	if change != nil {
		change(&r.job)
	}
	r.job.Progress, r.job.Updated = p, r.deps.Now().UTC()
	if err := r.deps.Store.SaveJob(r.save, r.job); err != nil {
		r.log.Error("saving upload job", "state", r.job.State, "error", err)
		return err
	}
	return nil
}

// finish records how the job ended. The jobs live in the store, so when
// the store is what failed (Neo4j down), saving fails too: it is tried
// again until the store answers or the server stops, so that the job does
// not stay "writing" for ever.
func (r *uploadRun) finish(ctx context.Context, change func(j *graph.Job)) {
	err := r.update(change)
	for wait := time.Second; errors.Is(err, graph.ErrUnavailable); wait = min(2*wait, maxFinishWait) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		err = r.update(func(*graph.Job) {})
	}
}

// maxFinishWait bounds the wait between attempts to save a job's outcome.
const maxFinishWait = 5 * time.Second

// tick saves progress until stop is closed.
func (r *uploadRun) tick(stop <-chan struct{}) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			r.update(nil)
		}
	}
}

// runUpload imports the files, re-evaluates the flags, and keeps the job
// in the store up to date. A cancelled ctx (the server stopping) leaves
// the job interrupted.
func runUpload(ctx context.Context, deps Deps, m *metrics, job graph.Job, files []importer.File, opts importer.Options) {
	r := &uploadRun{deps: deps, log: deps.Logger.With("job", job.ID, "upload", job.Upload), save: context.WithoutCancel(ctx), job: job}
	opts.Progress = r.report
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		r.tick(stop)
	}()
	rep, err := r.write(ctx, files, opts)
	close(stop)
	<-stopped

	var refreshed []byte
	if err == nil && !rep.Rejected {
		m.rows.Add(float64(rep.RowsRead()))
		var res exposure.RefreshResult
		if res, err = deps.Evaluator.Refresh(ctx, rep.Cause(job.By)); err != nil {
			err = fmt.Errorf("the upload was written, but re-evaluating the flags failed: %w", err)
		}
		refreshed, _ = json.Marshal(res)
	}
	r.finish(ctx, func(j *graph.Job) {
		if rep != nil {
			j.Report, _ = json.Marshal(rep)
		}
		switch {
		case err != nil && ctx.Err() != nil:
			j.State, j.Error = graph.JobInterrupted, "the server stopped before the upload finished; upload the files again to resume"
		case errors.Is(err, graph.ErrUnavailable):
			j.State, j.Error = graph.JobFailed, failure(err)+"; upload the same files again when it is back: the upload resumes where it stopped"
		case err != nil:
			j.State, j.Error = graph.JobFailed, failure(err)
		case rep.Rejected:
			j.State = graph.JobRejected
		default:
			j.State, j.Flags = graph.JobDone, refreshed
		}
	})
	m.uploads.WithLabelValues(string(r.job.State)).Inc()
	r.log.Info("upload job ended", "state", r.job.State, "error", r.job.Error)
	if r.job.State == graph.JobDone && len(r.touched) > 0 {
		// The review queue learns of the upload's possible duplicates.
		sum, err := deps.Xref.Run(ctx, xref.Options{Touched: r.touched}, job.By)
		r.log.Info("cross-referencing after the upload", "touched", len(r.touched), "proposed", sum.Proposed, "error", err)
	}
}

// write is importer.Import in two steps, so that the job says when the
// upload was found valid and writing began.
func (r *uploadRun) write(ctx context.Context, files []importer.File, opts importer.Options) (*importer.Report, error) {
	if r.deps.Evaluator != nil {
		rule := r.deps.Evaluator.Policy().CountryRule
		opts.CountryRule = &rule
	}
	u, rep, err := importer.Read(ctx, r.deps.Store, files, opts)
	if err != nil || rep.Rejected {
		return rep, err
	}
	r.update(func(j *graph.Job) { j.State = graph.JobWriting })
	res, err := r.deps.Store.Apply(ctx, u, func(done, total int) {
		r.report(importer.Progress{Phase: importer.Writing, Done: done, Total: total})
	})
	if err != nil {
		return rep, err
	}
	rep.Written = &res
	r.touched = xref.Touched(u)
	return rep, nil
}

// failure is what a failed job says: the coded message, with the
// context a wrapping error adds, never internals.
func failure(err error) string {
	err = diskFull(err)
	msg := graph.ErrorMessage(err)
	var ge *graph.Error
	if errors.As(err, &ge) {
		if prefix, ok := strings.CutSuffix(err.Error(), ge.Error()); ok {
			return prefix + msg
		}
	}
	return msg
}

// handleUploads lists upload jobs, newest first: every upload, the API's
// and the command line's (hopcheck import, serve --demo); with upload,
// only the jobs of that upload id.
func handleUploads(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit, err := intParam(c, "limit", 50, 1, 1000)
		if err != nil {
			respondErr(c, err)
			return
		}
		// Cross-referencing keeps its two jobs beside the uploads'; the jobs
		// of one upload (the upload id of a link's source) are looked for
		// among all.
		upload := strings.TrimSpace(c.Query("upload"))
		n := limit + 2
		if upload != "" {
			n = 0
		}
		js, err := deps.Store.Jobs(c.Request.Context(), n)
		if err != nil {
			respondErr(c, err)
			return
		}
		js = slices.DeleteFunc(js, func(j graph.Job) bool { return xref.IsJob(j.ID) || (upload != "" && j.Upload != upload) })
		js = js[:min(len(js), limit)]
		// The list is for overview; each job's report is at its own URL.
		for i := range js {
			js[i].Report, js[i].Flags = nil, nil
		}
		if js == nil {
			js = []graph.Job{}
		}
		respond(c, http.StatusOK, gin.H{"uploads": js})
	}
}

// handleUploadJob returns a job with its state, progress and full report.
func handleUploadJob(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		j, err := deps.Store.Job(c.Request.Context(), c.Param("id"))
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, j)
	}
}
