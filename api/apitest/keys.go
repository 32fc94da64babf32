package apitest

import (
	"time"

	"github.com/hopcheck/hopcheck/api"
)

// MustKey makes a key for name and role, as hopcheck key does, and
// returns it with its entry (entry.Env() is its HOPCHECK_API_KEYS form).
func MustKey(name string, role api.Role) (string, api.Key) {
	key, entry, err := api.NewKey(name, role, time.Now(), time.Time{})
	if err != nil {
		panic(err) // only a failing random source or a bad name gets here
	}
	return key, entry
}
