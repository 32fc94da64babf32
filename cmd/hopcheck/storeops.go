package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"

	"github.com/hopcheck/hopcheck/graph"
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

// cmdBackup writes a consistent copy of the store into DIR: of the data
// directory, or with --server of the store a running server serves.
func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs := e.flags("backup", "DIR")
	server := fs.String("server", "", "URL of a running hopcheck serve to back up online (its admin API key in HOPCHECK_API_KEY when it has keys)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("want one backup directory: %w", errUsage)
	}
	dir := fs.Arg(0)
	if *server != "" {
		n, err := memstore.WriteBackup(dir, func(w io.Writer) (int64, error) { return download(ctx, *server, e.getenv("HOPCHECK_API_KEY"), w) })
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "backed up the store of %s to %s (%d bytes, checked)\n", *server, dir, n)
		return nil
	}
	s, err := e.embedded(ctx, "backup")
	if graph.ErrorCode(err) == graph.ECONFLICT {
		return fmt.Errorf("%w; to back up the store of a running server, give its URL: hopcheck backup --server URL %s", err, dir)
	}
	if err != nil {
		return err
	}
	n, err := s.Backup(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes, checked)\n", e.dataDir(), dir, n)
	return nil
}

// download writes the data file the server at base streams from
// GET /api/v1/backup to w.
func download(ctx context.Context, base, key string, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/api/v1/backup", nil)
	if err != nil {
		return 0, fmt.Errorf("server URL %q: %w", base, err)
	}
	req.Header.Set("X-Hopcheck-Client", "cli")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var body struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body)
		return 0, fmt.Errorf("%s answered %s: %s", base, resp.Status, body.Error.Message)
	}
	return io.Copy(w, resp.Body)
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
