package graph

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Targets of a revision.
const (
	EntityTarget = "entity"
	LinkTarget   = "link"
)

// FieldChange is one value an upload changed: the field's JSON name and
// its values before and after, as text ("" when blank).
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Revision is one update of a stored entity or link that changed a value:
// what it changed, the source that had stated the earlier values (Was) and
// the row that changed them (By). Restating the same values from another
// file changes only the source and makes no revision: the current source
// is on the entity or link itself.
type Revision struct {
	Target  string        `json:"target"` // EntityTarget or LinkTarget
	Key     string        `json:"key"`    // the entity's id or the link's key
	Changes []FieldChange `json:"changes"`
	Was     Source        `json:"was"`
	By      Source        `json:"by"`
}

// HistoryKey is the key a store files a revision under.
func (r Revision) HistoryKey() string { return r.Target + "|" + r.Key }

// EntityRevision compares a stored entity with its merged value: the
// revision when a value changed.
func EntityRevision(old, merged Entity) (Revision, bool) {
	ch := fieldChanges(old, merged)
	if len(ch) == 0 {
		return Revision{}, false
	}
	return Revision{Target: EntityTarget, Key: merged.ID, Changes: ch, Was: old.Source, By: merged.Source}, true
}

// LinkRevision compares a stored link with its merged value: the revision
// when a value changed.
func LinkRevision(old, merged Link) (Revision, bool) {
	ch := fieldChanges(old, merged)
	if len(ch) == 0 {
		return Revision{}, false
	}
	return Revision{Target: LinkTarget, Key: merged.Key(), Changes: ch, Was: old.Source, By: merged.Source}, true
}

// SortRevisions orders revisions by target and key, keeping the order of
// each one's revisions (oldest first).
func SortRevisions(rs []Revision) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].HistoryKey() < rs[j].HistoryKey() })
}

// fieldChanges lists the fields, by JSON name and sorted, whose values
// differ between a and b, leaving out the source.
func fieldChanges(a, b any) []FieldChange {
	ma, mb := fieldsOf(a), fieldsOf(b)
	names := map[string]bool{}
	for k := range ma {
		names[k] = true
	}
	for k := range mb {
		names[k] = true
	}
	var out []FieldChange
	for k := range names {
		if k == "source" {
			continue
		}
		if o, n := ma[k], mb[k]; o != n {
			out = append(out, FieldChange{Field: k, Old: o, New: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func fieldsOf(v any) map[string]string {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s := valueText(x); s != "" {
			out[k] = s
		}
	}
	return out
}

// valueText writes a JSON value as an investigator reads it: numbers
// plainly, booleans as yes/no, lists joined by "; ".
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = valueText(e)
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}
