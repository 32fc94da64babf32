package importertest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/hopcheck/hopcheck/importer"
)

// Injections are names that are data and must stay data: quotes,
// backticks, braces, comments, Cypher and SQL keywords, parameters,
// formula triggers and Unicode controls. None holds ";" (the alias
// separator) or leading or trailing spaces (cells are trimmed), and no two
// share a graph.NameKey, so each is its own entity. Stores other than the
// embedded one (Neo4j) run the same strings: import InjectionUpload, then
// compare what comes back with Injections.
var Injections = []string{
	`O'Brien "Quoted" Holdings`,
	"Back`tick` Trading",
	"{brace} [bracket] $param :label Corp",
	"// line comment /* block */ Industries",
	"MATCH (n) DETACH DELETE n",
	`") RETURN 1 UNION MATCH (x) SET x.name = 'pwned' //`,
	"`}) CALL db.labels() YIELD label RETURN label //",
	`Robert'), DROP TABLE entities --`,
	`Back\slash \u0027 \n literal`,
	"Zero\u200bwidth\u200djoiner Systems",
	"Right\u202eto-left\u202c Override",
	"Bell\u0007 Escape\u001b[31m Red",
	"Line\u2028Separator\u2029Paragraph",
	"Tab\tinside and\nnewline inside",
	"=HYPERLINK(\"http://x.test\",\"click\")",
	"+SUM(1,2) Plus",
	"-2+3 Minus",
	"@SUM(A1) At",
	"Emoji 🔥 名字 Ünïcödé",
	"<script>alert(1)</script> Html",
}

// InjectionAliases are aliases, one per injection name.
func InjectionAliases(i int) []string {
	return []string{"alias " + Injections[i], fmt.Sprintf("%q", Injections[i])}
}

// InjectionID is the id given to the entity named Injections[i].
func InjectionID(i int) string { return fmt.Sprintf("INJ-%02d", i) }

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
