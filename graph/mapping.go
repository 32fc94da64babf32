package graph

import (
	"encoding/json"
	"strings"
	"time"
)

// SavedMapping is a column mapping an investigator saved under a name to
// reuse on the next upload of the same partner's file. Mapping is the
// importer's mapping file as JSON: the domain does not know its shape.
type SavedMapping struct {
	Name    string          `json:"name"`
	Mapping json.RawMessage `json:"mapping"`
	By      string          `json:"by"`
	Saved   time.Time       `json:"saved"`
}

// maxMappingName bounds a saved mapping's name.
const maxMappingName = 100

// CheckMapping returns an EINVALID error when a store cannot keep m: a
// name that is empty, too long, not trimmed or not on one line, or a
// mapping that is not a JSON object.
func CheckMapping(m SavedMapping) error {
	switch {
	case m.Name == "" || strings.TrimSpace(m.Name) != m.Name || len(m.Name) > maxMappingName || strings.ContainsAny(m.Name, "\r\n\t"):
		return Errorf(EINVALID, "mapping name %q: a name of 1 to %d bytes on one line, without spaces around it", m.Name, maxMappingName)
	case len(m.Mapping) == 0 || !json.Valid(m.Mapping) || !strings.HasPrefix(strings.TrimSpace(string(m.Mapping)), "{"):
		return Errorf(EINVALID, "mapping %q: the mapping is not a JSON object", m.Name)
	}
	return nil
}
