package main

import (
	"context"
	"fmt"

	"github.com/hopcheck/hopcheck/api"
)

func cmdKey(ctx context.Context, e *env, args []string) error {
	fs := e.flags("key", "")
	name := fs.String("name", "", "the key's name, as audit entries and logs show it")
	role := fs.String("role", "", "viewer, investigator, screening or admin")
	file := fs.String("keys", "hopcheck-keys.yaml", "keys file to add the key to (created if missing)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key, entry, err := api.NewKey(*name, api.Role(*role))
	if err != nil {
		return fmt.Errorf("%v: %w", err, errUsage)
	}
	if err := api.AddToFile(*file, entry); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "added %s (%s) to %s; the key is shown once, below, and only its SHA-256 is kept\n", entry.Name, entry.Role, *file)
	fmt.Fprintln(e.stdout, key)
	return nil
}
