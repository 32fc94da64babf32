package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/frontend"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := e.flags("serve", "")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; without API keys, only a loopback address")
	keysFile := fs.String("keys", "", "API keys file, YAML or JSON: a list of name, role (viewer, investigator, screening, admin) and sha256 of the key (env HOPCHECK_API_KEYS: name:role:sha256,…)")
	withDemo := fs.Bool("demo", false, "load the demo data first (into the demo data directory unless --data-dir is given)")
	grace := fs.Duration("grace", 30*time.Second, "on shutdown, how long in-flight requests and upload jobs may take to finish; jobs still running are then marked interrupted")
	var limits limitFlags
	if err := limits.register(fs, e.getenv); err != nil {
		return err
	}
	uploadBytes := byteSize(100 << 20)
	if err := setFromEnv(&uploadBytes, "HOPCHECK_MAX_UPLOAD_BYTES", e.getenv); err != nil {
		return err
	}
	fs.Var(&uploadBytes, "max-upload-bytes", "largest `size` of an upload's request body, all files together (env HOPCHECK_MAX_UPLOAD_BYTES)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments %q: %w", fs.Args(), errUsage)
	}
	keys, err := api.LoadKeys(*keysFile, e.getenv("HOPCHECK_API_KEYS"))
	if err != nil {
		return err
	}
	if keys.Open() && !loopback(*addr) {
		return fmt.Errorf("no API keys are configured, so every request could do everything: refusing to listen on %s; "+
			"listen on a loopback address such as 127.0.0.1:8080, or configure keys with --keys or HOPCHECK_API_KEYS", *addr)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))

	if *withDemo {
		if err := e.loadDemo(ctx); err != nil {
			return err
		}
	}
	store, ev, err := e.evaluator(ctx)
	if err != nil {
		return err
	}
	_, embedded := store.(*memstore.Store)
	if embedded {
		// The embedded store is this process's alone (it holds the data
		// directory's lock): a job still running in it was cut short.
		if err := interruptStale(ctx, store, log); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); keys.Open() && (!ok || !tcp.IP.IsLoopback()) {
		ln.Close()
		return fmt.Errorf("no API keys are configured: refusing to listen on %s, which is not loopback", ln.Addr())
	}

	// Upload jobs outlive their requests: they stop when the server has
	// given them the grace period, not when the signal comes.
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	bg := api.NewBackground(jobCtx)
	if embedded {
		// A process stopped between an upload and its re-evaluation left
		// the flags behind the data: re-evaluate once, while serving.
		bg.Go(func(ctx context.Context) {
			if res, err := ev.Refresh(ctx); err != nil {
				log.Error("re-evaluating the flags at start", "error", err)
			} else {
				log.Info("flags re-evaluated at start", "evaluated", res.Evaluated, "flagged", res.Flagged, "reopened", res.Reopened)
			}
		})
	}
	srv := &http.Server{
		Handler: api.NewServer(api.Deps{Store: store, Evaluator: ev, Keys: keys, Logger: log, Background: bg, UI: frontend.Handler(),
			ImportLimits: limits.limits(), MaxUploadBytes: int64(uploadBytes)}),
		// Uploads are read whole before the job starts; everything else is quick.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if keys.Open() {
		log.Warn("no API keys configured: every request may do everything, so hopcheck listens on loopback only")
	} else {
		log.Info("API keys loaded", "keys", keys.Len())
	}
	log.Info("serving", "url", "http://"+ln.Addr().String(), "store", e.cfg.Store, "version", version)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		cancelJobs()
		bg.Wait()
		return err
	case <-ctx.Done():
	}

	log.Info("shutting down", "grace", *grace)
	deadline := time.Now().Add(*grace)
	shutCtx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("requests still running after %s: %w", *grace, err)
		srv.Close()
	}
	jobsDone := make(chan struct{})
	go func() { bg.Wait(); close(jobsDone) }()
	select {
	case <-jobsDone:
	case <-time.After(time.Until(deadline)):
		log.Warn("upload jobs still running: interrupting them")
		cancelJobs()
		<-jobsDone
	}
	<-served
	log.Info("stopped")
	return err
}

// interruptStale marks jobs that were running when the last server
// stopped as interrupted.
func interruptStale(ctx context.Context, jobs graph.JobStore, log *slog.Logger) error {
	js, err := jobs.Jobs(ctx, 0)
	if err != nil {
		return err
	}
	for _, j := range js {
		if j.State.Final() {
			continue
		}
		j.State, j.Error, j.Updated = graph.JobInterrupted, "the server stopped before the upload finished; upload the files again to resume", time.Now().UTC()
		if err := jobs.SaveJob(ctx, j); err != nil {
			return err
		}
		log.Warn("upload job interrupted by an earlier stop", "job", j.ID)
	}
	return nil
}

// loopback reports whether addr (host:port) names a loopback host.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
