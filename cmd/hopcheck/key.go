package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hopcheck/hopcheck/api"
)

// cmdKey manages the keys file: add (the default), list and revoke.
func cmdKey(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return keyAdd(e, args[1:])
		case "list":
			return keyList(e, args[1:])
		case "revoke":
			return keyRevoke(e, args[1:])
		}
	}
	return keyAdd(e, args)
}

func keyAdd(e *env, args []string) error {
	fs := e.flags("key add", "")
	name := fs.String("name", "", "the key's name, as audit entries and logs show it")
	role := fs.String("role", "", "viewer, investigator, screening or admin")
	file := fs.String("keys", "hopcheck-keys.yaml", "keys file to add the key to (created if missing)")
	expires := fs.String("expires", "", "when the key stops working: a duration such as 90d or 12h, or an RFC 3339 time; never when empty")
	asEnv := fs.Bool("env", false, "also print the key's HOPCHECK_API_KEYS entry (name:role:verifier) on stderr, for .env files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	now := time.Now()
	until, err := parseExpiry(*expires, now)
	if err != nil {
		return fmt.Errorf("--expires: %v: %w", err, errUsage)
	}
	key, entry, err := api.NewKey(*name, api.Role(*role), now, until)
	if err != nil {
		return fmt.Errorf("%v: %w", err, errUsage)
	}
	if err := api.AddToFile(*file, entry); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "added %s (%s, id %s) to %s; the key is shown once, below, and only its salted hash is kept\n", entry.Name, entry.Role, entry.ID(), *file)
	if *asEnv {
		fmt.Fprintf(e.stderr, "HOPCHECK_API_KEYS entry: %s\n", entry.Env())
	}
	fmt.Fprintln(e.stdout, key)
	return nil
}

func keyList(e *env, args []string) error {
	fs := e.flags("key list", "")
	file := fs.String("keys", "hopcheck-keys.yaml", "keys file")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	keys, err := api.LoadKeys(*file, "")
	if err != nil {
		return err
	}
	list := keys.List(time.Now())
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tROLE\tID\tSTATE\tCREATED\tEXPIRES")
	for _, k := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Name, k.Role, k.ID, k.State, day(k.Created), day(k.Expires))
	}
	return w.Flush()
}

func keyRevoke(e *env, args []string) error {
	fs := e.flags("key revoke", "")
	name := fs.String("name", "", "the name of the key to revoke")
	file := fs.String("keys", "hopcheck-keys.yaml", "keys file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("give the key's --name: %w", errUsage)
	}
	if err := api.RevokeInFile(*file, *name, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "revoked %s in %s; a server watching the file refuses it from now (or after SIGHUP)\n", *name, *file)
	return nil
}

// parseExpiry reads "90d", "12h", "30m" or an RFC 3339 time.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return time.Time{}, fmt.Errorf("%q: expected a whole number of days such as 90d", s)
		}
		return now.AddDate(0, 0, n), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("%q is not in the future", s)
		}
		return now.Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: expected a duration such as 90d or an RFC 3339 time", s)
	}
	return t, nil
}

func day(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}
