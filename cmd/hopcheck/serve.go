package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/frontend"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/xref"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := e.flags("serve", "")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; without API keys, only a loopback address")
	keysFile := fs.String("keys", "", "API keys file that hopcheck key writes, reloaded when it changes and on SIGHUP (env HOPCHECK_API_KEYS: name:role:verifier,…)")
	publicURLs := fs.String("public-url", e.getenv("HOPCHECK_PUBLIC_URL"), "comma-separated `URLs` the server is reached at besides loopback (https://hopcheck.example.org); other Host names are refused (env HOPCHECK_PUBLIC_URL)")
	proxies := fs.String("trusted-proxies", e.getenv("HOPCHECK_TRUSTED_PROXIES"), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client (env HOPCHECK_TRUSTED_PROXIES)")
	tlsCert := fs.String("tls-cert", e.getenv("HOPCHECK_TLS_CERT"), "serve HTTPS with this certificate `file` (PEM; with --tls-key; env HOPCHECK_TLS_CERT)")
	tlsKey := fs.String("tls-key", e.getenv("HOPCHECK_TLS_KEY"), "the certificate's private key `file` (PEM; env HOPCHECK_TLS_KEY)")
	batchRows := fs.Int("max-batch-rows", api.DefaultBatchLimits().MaxRows, "most counterparties or transactions in one batch screening")
	batchAtOnce := fs.Int("batch-concurrency", api.DefaultBatchLimits().Concurrent, "batch screenings run at once; more are answered 429")
	rl := api.DefaultRateLimits()
	fs.Float64Var(&rl.PerAddress, "rate-per-address", rl.PerAddress, "requests per second from one client address (bursts of twice that); negative: no limit")
	fs.Float64Var(&rl.PerKey, "rate-per-key", rl.PerKey, "requests per second with one API key (bursts of twice that); negative: no limit")
	authFailures := fs.Float64("rate-auth-failures", rl.AuthFailures*60, "failed authentications a minute from one address (bursts of twice that) before its failures are answered 429; negative: no limit")
	withDemo := fs.Bool("demo", false, "load the demo data first (into the demo data directory unless --data-dir is given)")
	grace := fs.Duration("grace", 30*time.Second, "on shutdown, how long in-flight requests and upload jobs may take to finish; jobs still running are then marked interrupted")
	var limits limitFlags
	if err := limits.register(fs, e.getenv); err != nil {
		return err
	}
	batchBytes := byteSize(api.DefaultBatchLimits().MaxBytes)
	fs.Var(&batchBytes, "max-batch-bytes", "largest `size` of a batch screening's request body")
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
	if (*tlsCert == "") != (*tlsKey == "") {
		return fmt.Errorf("give both --tls-cert and --tls-key, or neither: %w", errUsage)
	}
	urls, err := parsePublicURLs(*publicURLs)
	if err != nil {
		return err
	}
	trusted := splitList(*proxies)
	if err := checkProxies(trusted); err != nil {
		return err
	}
	rl.AddressBurst, rl.KeyBurst = int(2*rl.PerAddress), int(2*rl.PerKey)
	rl.AuthFailures, rl.FailureBurst = *authFailures/60, max(1, int(2**authFailures))
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
	ms, embedded := store.(*memstore.Store)
	if embedded {
		// The embedded store is this process's alone (it holds the data
		// directory's lock): a job still running in it was cut short.
		if err := interruptStale(ctx, store, log); err != nil {
			return err
		}
		// The open leaves the name indexes to the first search: a server
		// builds them at once, so that its first screening need not.
		go ms.IndexNames()
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
			if res, err := ev.Refresh(ctx, ""); err != nil {
				log.Error("re-evaluating the flags at start", "error", err)
			} else {
				log.Info("flags re-evaluated at start", "evaluated", res.Evaluated, "flagged", res.Flagged, "reopened", res.Reopened)
			}
		})
	} else {
		// Neo4j plans the path search once per policy, in seconds: plan
		// it now, while serving, rather than in the first screening.
		bg.Go(func(ctx context.Context) {
			if err := ev.Warm(ctx); err != nil {
				log.Warn("planning the path search at start", "error", err)
			}
		})
	}
	// Entries recorded as they happen reach the store in the background;
	// the log is closed, writing what is queued, after the last request.
	auditLog := api.NewAuditLog(store, log)
	defer auditLog.Close()
	srv := &http.Server{
		Handler: api.NewServer(api.Deps{Store: store, Evaluator: ev, Keys: keys, Logger: log, Background: bg, UI: frontend.Handler(), Audit: auditLog,
			ImportLimits: limits.limits(), MaxUploadBytes: int64(uploadBytes), PublicURLs: urls, TrustedProxies: trusted, RateLimits: rl,
			Batch: api.BatchLimits{MaxRows: *batchRows, MaxBytes: int64(batchBytes), Concurrent: *batchAtOnce}}),
		// Uploads are read whole before the job starts; everything else is
		// quick. Each body also has a deadline of its own, set once its
		// request is authenticated (api.Deps.BodyTimeout).
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
	}
	if keys.Open() {
		log.Warn("no API keys configured: every request may do everything, so hopcheck listens on loopback only")
	} else {
		log.Info("API keys loaded", "keys", keys.Len())
		if len(urls) == 0 {
			log.Warn("no --public-url: the Host header is not checked on this keyed server; give the URL it is reached at")
		}
	}
	if *keysFile != "" {
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		go reloadKeys(jobCtx, *keysFile, e.getenv("HOPCHECK_API_KEYS"), keys, store, log, hup)
	}
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	log.Info("serving", "url", scheme+"://"+ln.Addr().String(), "store", e.cfg.Store, "version", version)

	served := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			served <- srv.ServeTLS(ln, *tlsCert, *tlsKey)
			return
		}
		served <- srv.Serve(ln)
	}()
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
		if xref.IsJob(j.ID) {
			j.Error = "the server stopped before cross-referencing finished; run it again"
		}
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

// parsePublicURLs reads --public-url: absolute http or https URLs.
func parsePublicURLs(s string) ([]string, error) {
	var out []string
	for _, v := range splitList(s) {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--public-url %q: expected an absolute URL such as https://hopcheck.example.org: %w", v, errUsage)
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}

// checkProxies refuses --trusted-proxies entries that are neither
// addresses nor CIDRs.
func checkProxies(ps []string) error {
	for _, p := range ps {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("--trusted-proxies %q: expected an address or a CIDR such as 10.0.0.0/8: %w", p, errUsage)
			}
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
