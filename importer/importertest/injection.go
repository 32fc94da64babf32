package importertest

import (
	"bytes"
	"encoding/csv"
	"strings"

	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/importer"
)

// Injections are graphtest.Injections: names that are data and must stay
// data (quotes, backticks, braces, comments, Cypher and SQL keywords,
// parameters, formula triggers and Unicode controls). The conformance
// suite writes them into every store; InjectionUpload sends them through
// the importer.
var Injections = graphtest.Injections

// InjectionAliases are aliases, one per injection name.
func InjectionAliases(i int) []string { return graphtest.InjectionAliases(i) }

// InjectionID is the id given to the entity named Injections[i].
func InjectionID(i int) string { return graphtest.InjectionID(i) }

// InjectionUpload is a CSV upload of every injection string as an
// organization's name and aliases, and as the evidence of a link from it
// to the next one.
func InjectionUpload() []importer.File {
	var orgs, links bytes.Buffer
	ow, lw := csv.NewWriter(&orgs), csv.NewWriter(&links)
	_ = ow.Write([]string{"id", "name", "aliases", "country"})
	_ = lw.Write([]string{"from", "to", "type", "evidence"})
	for i, s := range Injections {
		_ = ow.Write([]string{InjectionID(i), s, strings.Join(InjectionAliases(i), "; "), "DE"})
		_ = lw.Write([]string{InjectionID(i), InjectionID((i + 1) % len(Injections)), "supplies", s})
	}
	ow.Flush()
	lw.Flush()
	return []importer.File{{Name: "organizations.csv", Data: orgs.Bytes()}, {Name: "links.csv", Data: links.Bytes()}}
}
