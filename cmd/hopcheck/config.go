package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
)

// Config is everything the flags and the environment decide.
type Config struct {
	DataDir string
	Store   string
	Policy  string
}

// configFromEnv is the configuration before any flag.
func configFromEnv(getenv func(string) string) Config {
	return Config{
		DataDir: getenv("HOPCHECK_DATA_DIR"), // empty: defaultDataDir, resolved when opening
		Store:   or(getenv("HOPCHECK_STORE"), "memory"),
		Policy:  getenv("HOPCHECK_POLICY"),
	}
}

// register adds the global flags to fs, writing into c, with c's values as defaults.
func (c *Config) register(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "embedded store directory (env HOPCHECK_DATA_DIR; default $XDG_DATA_HOME/hopcheck or ~/.local/share/hopcheck)")
	fs.StringVar(&c.Store, "store", c.Store, "store: memory or neo4j (env HOPCHECK_STORE)")
	fs.StringVar(&c.Policy, "policy", c.Policy, "exposure policy file, YAML (env HOPCHECK_POLICY)")
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// defaultDataDir is $XDG_DATA_HOME/NAME, else ~/.local/share/NAME.
func defaultDataDir(getenv func(string) string, name string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, name)
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", name)
	}
	return filepath.Join(os.TempDir(), name)
}

// env is what a command runs with.
type env struct {
	cfg            Config
	getenv         func(string) string
	stdout, stderr io.Writer
	closeStore     func() error

	store graph.Store // opened by evaluator, once
	ev    *exposure.Evaluator

	usageShown bool // a flag set printed what was wrong and the usage
}

// flags returns a flag set for a command that also accepts the global flags.
func (e *env) flags(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	e.cfg.register(fs)
	fs.Usage = func() {
		e.usageShown = true
		fmt.Fprintf(e.stderr, "Usage: hopcheck %s [flags] %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// open opens the configured store; run closes it.
func (e *env) open(ctx context.Context) (graph.Store, error) {
	var s graph.Store
	var err error
	switch e.cfg.Store {
	case "memory", "embedded", "":
		s, err = memstore.Open(or(e.cfg.DataDir, defaultDataDir(e.getenv, "hopcheck")))
	case "neo4j":
		var cfg neo4jstore.Config
		if cfg, err = e.neo4jConfig(); err == nil {
			s, err = neo4jstore.Open(ctx, cfg)
		}
	default:
		return nil, fmt.Errorf("unknown store %q (expected memory or neo4j): %w", e.cfg.Store, errUsage)
	}
	if err != nil {
		return nil, err
	}
	e.closeStore = s.Close
	return s, nil
}

// neo4jConfig reads NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD (or the file
// named by NEO4J_PASSWORD_FILE) and NEO4J_DATABASE.
func (e *env) neo4jConfig() (neo4jstore.Config, error) {
	cfg := neo4jstore.Config{
		URI:      e.getenv("NEO4J_URI"),
		User:     or(e.getenv("NEO4J_USER"), "neo4j"),
		Password: e.getenv("NEO4J_PASSWORD"),
		Database: e.getenv("NEO4J_DATABASE"),
	}
	if cfg.URI == "" {
		return cfg, fmt.Errorf("--store neo4j needs NEO4J_URI, e.g. bolt://127.0.0.1:7687: %w", errUsage)
	}
	if f := e.getenv("NEO4J_PASSWORD_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return cfg, fmt.Errorf("NEO4J_PASSWORD_FILE: %w", err)
		}
		cfg.Password = strings.TrimRight(string(b), "\r\n")
	}
	return cfg, nil
}

// evaluator opens the store, once, and returns it with the rules under the policy.
func (e *env) evaluator(ctx context.Context) (graph.Store, *exposure.Evaluator, error) {
	if e.store != nil {
		return e.store, e.ev, nil
	}
	p, err := graph.LoadPolicy(e.cfg.Policy)
	if err != nil {
		return nil, nil, err
	}
	s, err := e.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	e.store, e.ev = s, exposure.NewEvaluator(s, p, time.Now)
	return e.store, e.ev, nil
}

// user names who runs a command, for the decisions and uploads it
// records: HOPCHECK_USER, else USER (USERNAME on Windows), else "cli".
func (e *env) user() string {
	return or(e.getenv("HOPCHECK_USER"), or(e.getenv("USER"), or(e.getenv("USERNAME"), "cli")))
}
