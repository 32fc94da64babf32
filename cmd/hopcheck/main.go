// Command hopcheck loads third parties and the links between them from
// spreadsheets into a graph and flags every transaction whose buyer
// connects to a restrictive government end-user. This package is wiring
// only: flags and environment into a Config, the store, and the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks a mistake in the command line: exit code 2.
var errUsage = errors.New("usage")

// errRejected marks an upload that was refused: exit code 1, the report says why.
var errRejected = errors.New("upload rejected")

const usage = `hopcheck finds the third parties between an exporter and restrictive government end-users.

Usage:
  hopcheck [global flags] COMMAND [flags] [args]

Commands:
  backup     write a consistent copy of the embedded store into DIR
  check      verify every record, page and index of the embedded store
  demo       load the built-in demo data and print its flags (-o DIR writes the demo files instead)
  import     import spreadsheets (one XLSX or several CSV files: one upload)
  key        manage API keys in a keys file: add (the default), list, revoke
  flags      re-evaluate every transaction and list the flags; review, comment, assign: casework (flags -h)
  resolve    identity decisions: same A B, not-same A B, undo A B, list, show ID
  gen        write a synthetic data set (CSV) for benchmarks
  screen     screen a counterparty by name, country or id
  restore    make the backup in DIR the embedded store (--replace keeps the old file beside)
  serve      run the HTTP API (--addr, --keys, --public-url, --tls-cert, --demo, limits)
  stats      sizes of the embedded store's data file, by kind of record
  template   write the spreadsheet template (XLSX)
  version    print the version
  xref       cross-reference the store: propose pairs of entities that may be one party (--list: the open ones)

Global flags (before or after the command):
  --data-dir DIR   embedded store directory (env HOPCHECK_DATA_DIR)
  --store KIND     memory (the embedded store, default) or neo4j (env HOPCHECK_STORE)
  --policy FILE    exposure policy, YAML (env HOPCHECK_POLICY)

Run "hopcheck COMMAND -h" for a command's flags.
`

// commands maps command names to their implementations.
var commands = map[string]func(ctx context.Context, env *env, args []string) error{
	"backup":   cmdBackup,
	"check":    cmdCheck,
	"demo":     cmdDemo,
	"import":   cmdImport,
	"key":      cmdKey,
	"flags":    cmdFlags,
	"gen":      cmdGen,
	"screen":   cmdScreen,
	"resolve":  cmdResolve,
	"restore":  cmdRestore,
	"serve":    cmdServe,
	"stats":    cmdStats,
	"template": cmdTemplate,
	"version":  cmdVersion,
	"xref":     cmdXref,
}

// run is the whole program, testable end to end: it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cfg := configFromEnv(getenv)
	global := flag.NewFlagSet("hopcheck", flag.ContinueOnError)
	global.SetOutput(stderr)
	cfg.register(global)
	// Global flags may come before the command.
	if err := global.Parse(args); err != nil {
		return 2
	}
	rest := global.Args()
	if len(rest) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	name, cmd := rest[0], commands[rest[0]]
	if cmd == nil {
		if s := didYouMean(name); len(s) > 0 {
			fmt.Fprintf(stderr, "hopcheck: unknown command %q; did you mean %s?\n\n%s", name, strings.Join(s, " or "), usage)
			return 2
		}
		fmt.Fprintf(stderr, "hopcheck: unknown command %q\n\n%s", name, usage)
		return 2
	}
	e := &env{cfg: cfg, getenv: getenv, stdout: stdout, stderr: stderr}
	err := cmd(ctx, e, rest[1:])
	if e.closeStore != nil {
		if cerr := e.closeStore(); err == nil && cerr != nil {
			err = cerr
		}
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case e.usageShown:
		return 2 // the flag set said what was wrong
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "hopcheck %s: %s\n", name, strings.TrimSuffix(err.Error(), ": "+errUsage.Error()))
		return 2
	case errors.Is(err, errRejected):
		return 1
	}
	var v verdictExit
	if errors.As(err, &v) {
		return v.code()
	}
	fmt.Fprintf(stderr, "hopcheck %s: %v\n", name, err)
	return 1
}

func cmdVersion(ctx context.Context, e *env, args []string) error {
	fs := e.flags("version", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "hopcheck %s\n", version)
	return nil
}
