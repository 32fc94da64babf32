package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/hopcheck/hopcheck/graph/memstore"
)

// embedded opens the configured store, which must be the embedded one:
// its data file is what these commands work on.
func (e *env) embedded(ctx context.Context, cmd string) (*memstore.Store, error) {
	if e.cfg.Store != "" && e.cfg.Store != "memory" && e.cfg.Store != "embedded" {
		return nil, fmt.Errorf("%s works on the embedded store's data directory; for Neo4j use its own tools (neo4j-admin): %w", cmd, errUsage)
	}
	s, err := e.open(ctx)
	if err != nil {
		return nil, err
	}
	return s.(*memstore.Store), nil
}

func (e *env) dataDir() string { return or(e.cfg.DataDir, defaultDataDir(e.getenv, "hopcheck")) }

// cmdCheck verifies every record (Open does: checksums, key order, counts),
// the data file's pages and the indexes; exit 1 on any problem.
func cmdCheck(ctx context.Context, e *env, args []string) error {
	fs := e.flags("check", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := e.embedded(ctx, "check")
	if err != nil {
		return err
	}
	problems, err := s.Check()
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %d problems", e.dataDir(), len(problems))
	}
	d, err := s.DiskStats()
	if err != nil {
		return err
	}
	n := 0
	for _, b := range d.Buckets {
		n += b.Records
	}
	fmt.Fprintf(e.stdout, "%s: sound (format %d, %d records, every checksum, page and index checked)\n", d.File, d.FormatVersion, n)
	return nil
}

// cmdStats prints the data file's sizes by kind of record.
func cmdStats(ctx context.Context, e *env, args []string) error {
	fs := e.flags("stats", "")
	asJSON := fs.Bool("json", false, "print the sizes as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := e.embedded(ctx, "stats")
	if err != nil {
		return err
	}
	d, err := s.DiskStats()
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, d)
	}
	fmt.Fprintf(e.stdout, "%s: format %d, %d bytes, page size %d, %d free pages\n", d.File, d.FormatVersion, d.FileBytes, d.PageSize, d.FreePages)
	if d.MigratedFromV1LogBytes > 0 {
		fmt.Fprintf(e.stdout, "migrated from a version 1 log of %d bytes\n", d.MigratedFromV1LogBytes)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "records\tkind\tbytes in use\tbytes of pages\tdepth\t")
	for _, b := range d.Buckets {
		fmt.Fprintf(w, "%d\t%s\t%d\t%d\t%d\t\n", b.Records, b.Name, b.InUseBytes, b.AllocBytes, b.Depth)
	}
	return w.Flush()
}

// cmdBackup writes a consistent copy of the store into DIR.
func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs := e.flags("backup", "DIR")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("want one backup directory: %w", errUsage)
	}
	s, err := e.embedded(ctx, "backup")
	if err != nil {
		return err
	}
	n, err := s.Backup(fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes, checked)\n", e.dataDir(), fs.Arg(0), n)
	return nil
}

// cmdRestore makes the backup in DIR the store of the data directory.
func cmdRestore(ctx context.Context, e *env, args []string) error {
	fs := e.flags("restore", "DIR")
	replace := fs.Bool("replace", false, "replace the data directory's store (its file is kept beside as hopcheck.db.before-restore-TIME)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("want one backup directory: %w", errUsage)
	}
	if e.cfg.Store != "" && e.cfg.Store != "memory" && e.cfg.Store != "embedded" {
		return fmt.Errorf("restore works on the embedded store's data directory: %w", errUsage)
	}
	if err := memstore.Restore(e.dataDir(), fs.Arg(0), *replace); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s from %s\n", e.dataDir(), fs.Arg(0))
	return nil
}
