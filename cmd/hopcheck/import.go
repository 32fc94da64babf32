package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/hopcheck/hopcheck/demo"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/xref"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats"
)

func cmdImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("import", "FILE...")
	var opts importer.Options
	fs.StringVar(&opts.Kind, "kind", "", "kind of every sheet or file: organizations, persons, government_bodies, countries, links, transactions, listings or identity")
	mapping := fs.String("mapping", "", "mapping file (YAML) for sheets and headers hopcheck does not recognise")
	mappingName := fs.String("mapping-name", "", "a mapping saved in the store under this name (the web UI's upload page or PUT /api/v1/mappings/{name}), instead of --mapping")
	dateFormat := fs.String("date-format", "", "format of ambiguous dates, e.g. DD/MM/YYYY or MM/DD/YYYY")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	crossRef := fs.Bool("xref", true, "cross-reference the entities the upload touched against the store, for the review queue (hopcheck xref lists the proposals)")
	fs.BoolVar(&opts.DecimalComma, "decimal-comma", false, "numbers are written with a decimal comma, as 96.000,00")
	fs.StringVar(&opts.Uploader, "by", e.user(), "who uploads: the decided_by of identity rows that leave it blank")
	var limits limitFlags
	if err := limits.register(fs, e.getenv); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts.Limits = limits.limits()
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("no files given: %w", errUsage)
	}
	if *mapping != "" && *mappingName != "" {
		return fmt.Errorf("--mapping and --mapping-name: give one: %w", errUsage)
	}
	if *mappingName != "" {
		s, _, err := e.evaluator(ctx)
		if err != nil {
			return err
		}
		if opts.Mapping, err = importer.SavedMapping(ctx, s, *mappingName); err != nil {
			return err
		}
	}
	if *mapping != "" {
		data, err := os.ReadFile(*mapping)
		if err != nil {
			return err
		}
		if opts.Mapping, err = importer.ParseMapping(data); err != nil {
			return fmt.Errorf("mapping file %s: %w", *mapping, err)
		}
	}
	if *dateFormat != "" {
		if _, err := importer.ParseDateFormat(*dateFormat); err != nil {
			return fmt.Errorf("--date-format: %v: %w", err, errUsage)
		}
		opts.DateFormat = *dateFormat
	}
	var files []importer.File
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		files = append(files, importer.File{Name: filepath.Base(name), Data: data})
	}
	return e.upload(ctx, files, opts, *asJSON, *crossRef, e.stdout)
}

// upload imports files as one upload, re-evaluates the flags, with
// crossRef cross-references what it touched, and prints the report on w;
// a rejected upload is errRejected.
func (e *env) upload(ctx context.Context, files []importer.File, opts importer.Options, asJSON, crossRef bool, w io.Writer) (err error) {
	s, ev, err := e.evaluator(ctx)
	if err != nil {
		return err
	}
	opts.Progress = progressBar(e.stderr)
	opts.Formats = formats.All()
	rule := ev.Policy().CountryRule
	opts.CountryRule = &rule
	var (
		rep       *importer.Report
		refreshed *exposure.RefreshResult
		u         graph.Upload
	)
	// The upload is listed with the API's (GET /api/v1/uploads), whatever becomes of it.
	job := graph.Job{ID: graph.NewJobID(), Upload: importer.UploadID(files, opts), By: or(opts.Uploader, e.user()), Created: time.Now().UTC()}
	for _, f := range files {
		job.Files = append(job.Files, f.Name)
	}
	defer func() { e.recordUpload(ctx, s, job, rep, refreshed, err) }()
	u, rep, err = importer.Read(ctx, s, files, opts)
	if err != nil {
		return err
	}
	var crossed *xref.Summary
	if !rep.Rejected {
		res, err := s.Apply(ctx, u, func(done, total int) {
			if opts.Progress != nil {
				opts.Progress(importer.Progress{Phase: importer.Writing, Done: done, Total: total})
			}
		})
		if err != nil {
			return err
		}
		rep.Written = &res
		r, err := ev.Refresh(ctx, rep.Cause(job.By))
		if err != nil {
			return fmt.Errorf("upload written, but re-evaluating the flags failed: %w", err)
		}
		refreshed = &r
		if touched := xref.Touched(u); crossRef && len(touched) > 0 {
			x := &xref.Runner{Store: s}
			sum, err := x.Run(ctx, xref.Options{Touched: touched, Progress: xrefProgress(e.stderr)}, "import")
			if err != nil {
				return fmt.Errorf("upload written, but cross-referencing it failed: %w", err)
			}
			crossed = &sum
		}
	}
	if asJSON {
		if err := writeJSON(w, struct {
			*importer.Report
			Flags *exposure.RefreshResult `json:"flags,omitempty"`
			Xref  *xref.Summary           `json:"xref,omitempty"`
		}{rep, refreshed, crossed}); err != nil {
			return err
		}
	} else {
		rep.WriteText(w)
		if refreshed != nil {
			fmt.Fprintf(w, "Flags: %d transactions evaluated, %d flagged, %d reviewed flags reopened.\n",
				refreshed.Evaluated, refreshed.Flagged, refreshed.Reopened)
		}
		if crossed != nil {
			fmt.Fprintf(w, "Cross-referencing: %d pairs with the %d entities the upload touched may be one party, for review (hopcheck xref --list, or the review queue).\n",
				crossed.Proposed, crossed.Touched)
		}
	}
	if rep.Rejected {
		return errRejected
	}
	return nil
}

// recordUpload keeps an upload of the command line as a finished job in
// the store, with its report and what re-evaluating the flags did, and
// audits it, so that the uploads list (the web UI's and the API's) shows
// every upload, the demo's too. A store that cannot keep it is reported
// on stderr: the upload itself stands.
func (e *env) recordUpload(ctx context.Context, s graph.Store, job graph.Job, rep *importer.Report, refreshed *exposure.RefreshResult, err error) {
	ctx = context.WithoutCancel(ctx)
	job.Updated = time.Now().UTC()
	switch {
	case err != nil && !errors.Is(err, errRejected):
		job.State, job.Error = graph.JobFailed, err.Error()
	case rep == nil || rep.Rejected:
		job.State = graph.JobRejected
	default:
		job.State = graph.JobDone
	}
	if rep != nil {
		job.Report, _ = json.Marshal(rep)
		job.Progress = graph.JobProgress{Phase: string(importer.Writing), Done: rep.RowsRead(), Total: rep.RowsRead()}
	}
	if refreshed != nil {
		job.Flags, _ = json.Marshal(refreshed)
	}
	if err := s.SaveJob(ctx, job); err != nil {
		fmt.Fprintf(e.stderr, "the upload is not listed among the uploads: %v\n", err)
		return
	}
	if err := s.AppendAudit(ctx, graph.AuditEntry{At: job.Updated, By: job.By, Action: "upload", Target: job.ID,
		Detail: strings.Join(job.Files, ", ") + " (command line)"}); err != nil {
		fmt.Fprintf(e.stderr, "the upload is not in the audit log: %v\n", err)
	}
}

// progressBar reports import progress on w when it is a terminal.
func progressBar(w io.Writer) func(importer.Progress) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(p importer.Progress) {
		if p.Total == 0 {
			return
		}
		const width = 30
		n := p.Done * width / p.Total
		fmt.Fprintf(w, "\r%-10s [%-*s] %d/%d", p.Phase, width, strings.Repeat("=", n), p.Done, p.Total)
		if p.Done == p.Total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

func cmdTemplate(ctx context.Context, e *env, args []string) error {
	fs := e.flags("template", "")
	out := fs.String("o", "hopcheck-template.xlsx", "file to write; - for standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "-" {
		return importer.Template(e.stdout)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := importer.Template(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s\n", *out)
	return nil
}

func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs := e.flags("demo", "")
	dir := fs.String("o", "", "write the demo files (CSV and XLSX) to this directory instead of loading them")
	asJSON := fs.Bool("json", false, "print the flags as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir != "" {
		return writeDemo(e, *dir)
	}
	// The import report goes to stderr: stdout is for the flags.
	if err := e.loadDemo(ctx); err != nil {
		return err
	}
	return e.printFlags(ctx, graph.FlagFilter{}, *asJSON)
}

// loadDemo imports the demo data and re-evaluates the flags, reporting on
// stderr. Fictional data stays out of the real store: unless a data
// directory is named, it goes to its own.
func (e *env) loadDemo(ctx context.Context) error {
	if e.cfg.DataDir == "" {
		e.cfg.DataDir = defaultDataDir(e.getenv, "hopcheck-demo")
	}
	// The demo goes only into an empty store: loading it again over a
	// store that holds data (the demo's own, amended since, or a user's)
	// would restate its rows over the amendments.
	s, _, err := e.evaluator(ctx)
	if err != nil {
		return err
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if n := entityCount(st); n > 0 || st.Transactions > 0 {
		fmt.Fprintf(e.stderr, "the store already holds data (%d entities, %d transactions): the demo is not loaded over it\n", n, st.Transactions)
		return nil
	}
	// The spreadsheets, then the files in a public format: an upload each.
	for _, set := range [][]demo.File{demo.CSV(), demo.Public()} {
		var files []importer.File
		for _, f := range set {
			files = append(files, importer.File{Name: f.Name, Data: f.Data})
		}
		if err := e.upload(ctx, files, importer.Options{}, false, false, e.stderr); err != nil {
			return fmt.Errorf("loading the demo data: %w", err)
		}
	}
	return nil
}

func entityCount(st graph.Stats) int {
	n := 0
	for _, c := range st.Entities {
		n += c
	}
	return n
}

func writeDemo(e *env, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range append(demo.CSV(), demo.Public()...) {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	xlsx, err := demo.Workbook()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "demo.xlsx"), xlsx, 0o644); err != nil {
		return err
	}
	var public []string
	for _, f := range demo.Public() {
		public = append(public, f.Name)
	}
	fmt.Fprintf(e.stdout, "wrote the demo data to %s: demo.xlsx, the same data as %d CSV files, and %s in a public format (import it on its own)\n",
		dir, len(demo.CSV()), strings.Join(public, ", "))
	return nil
}
