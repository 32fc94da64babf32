package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph"
)

// reloadKeys reloads the keys file into keys on SIGHUP and whenever the
// file changes, until ctx ends. A file that does not parse, or that
// would leave no key, keeps the keys loaded; the log says why. Every
// change of the set is an audit entry.
// hup must be registered for SIGHUP before the server says it is serving.
func reloadKeys(ctx context.Context, path, env string, keys *api.Keys, audit graph.JobStore, log *slog.Logger, hup chan os.Signal) {
	defer signal.Stop(hup)

	var events <-chan fsnotify.Event
	if w, err := fsnotify.NewWatcher(); err != nil {
		log.Warn("keys file not watched; reload it with SIGHUP", "error", err)
	} else {
		defer w.Close()
		// The directory, not the file: editors and hopcheck key replace it.
		if err := w.Add(filepath.Dir(path)); err != nil {
			log.Warn("keys file not watched; reload it with SIGHUP", "error", err)
		} else {
			events = w.Events
		}
	}
	var settle <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			reload(ctx, path, env, keys, audit, log, "SIGHUP")
		case ev := <-events:
			if filepath.Clean(ev.Name) == filepath.Clean(path) {
				settle = time.After(200 * time.Millisecond) // one reload per burst of writes
			}
		case <-settle:
			reload(ctx, path, env, keys, audit, log, "file changed")
		}
	}
}

func reload(ctx context.Context, path, env string, keys *api.Keys, audit graph.JobStore, log *slog.Logger, why string) {
	next, err := api.LoadKeys(path, env)
	if err == nil {
		added, removed, revoked := keys.Changes(next)
		if err = keys.Replace(next); err == nil {
			log.Info("API keys reloaded", "why", why, "keys", next.Len(), "added", added, "removed", removed, "revoked", revoked)
			now := time.Now().UTC()
			for action, names := range map[string][]string{"key_added": added, "key_removed": removed, "key_revoked": revoked} {
				if len(names) == 0 {
					continue
				}
				e := graph.AuditEntry{At: now, By: "keys file", Action: action, Target: strings.Join(names, ", "), Detail: path + " (" + why + ")"}
				if err := audit.AppendAudit(ctx, e); err != nil {
					log.Error("audit log", "error", err, "action", action)
				}
			}
			return
		}
	}
	log.Error("API keys not reloaded; the keys loaded before stay", "why", why, "error", err)
}
