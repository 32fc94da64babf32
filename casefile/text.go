package casefile

import (
	"encoding/json"
	"sort"

	"github.com/hopcheck/hopcheck/graph"
)

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// prefixed returns prefix+s, or "" when s is empty.
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func sortedIDs(m map[string]graph.Entity) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// transliterated reports whether the PDF must transliterate a text of the
// case: the case's JSON holds every string it prints.
func (c Case) transliterated() bool {
	data, err := json.Marshal(c)
	if err != nil {
		return false
	}
	_, changed := Printable(string(data))
	return changed
}
