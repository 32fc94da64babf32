// Package eujournal reads OpenSanctions' transcription of the EU Official
// Journal's consolidated sanctions regulations: one CSV per regulation
// (celex, recordId, programKey, startDate, reason, schema, name, alias, …).
// Each record (its id counts within its annex) is an entity (Person, or an organization) listed on the
// regulation's list, eu_<celex>, under its program.
package eujournal

import (
	"context"
	"fmt"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csvrec"
)

// Format is the EU Official Journal sanctions CSV reader.
type Format struct{}

// Name implements importer.Format.
func (Format) Name() string { return "EU Official Journal sanctions" }

// regulations names the regulations the real files hold.
var regulations = map[string]string{
	"32011R0359": "EU Iran human rights sanctions (Regulation 359/2011)",
	"32020R1998": "EU global human rights sanctions regime (Regulation 2020/1998)",
	"32024R1485": "EU Russia human rights sanctions (Regulation 2024/1485)",
	"32006R0765": "EU Belarus sanctions (Regulation 765/2006)",
	"32012R0036": "EU Syria sanctions (Regulation 36/2012)",
	"32013R0401": "EU Myanmar/Burma sanctions (Regulation 401/2013)",
}

// Detect implements importer.Format: the header starts celex, recordId, programKey.
func (Format) Detect(f importer.File) bool {
	h, err := csvrec.ReadHeader(f.Data, 0)
	return err == nil && len(h) > 8 && h[0] == "celex" && h[1] == "recordId" && h[2] == "programKey"
}

// ListID is the list of a regulation.
func ListID(celex string) string { return "eu_" + strings.ToLower(celex) }

// Read implements importer.Format.
func (Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	return csvrec.Rows(ctx, files, csvrec.Options{Header: true}, func(rec csvrec.Record, rows *importer.FormatRows) {
		read(upload, rec, rows)
	})
}

var dmy, _ = importer.ParseDateFormat("DD.MM.YYYY")

func read(upload string, rec csvrec.Record, rows *importer.FormatRows) {
	get := rec.Get
	rows.Records[rec.File]++
	celex, id, name := get("celex"), get("recordId"), get("name")
	if celex == "" || name == "" {
		col := "name"
		if celex == "" {
			col = "celex"
		}
		rows.Issues = append(rows.Issues, rec.Issue(col, "a record without celex or name"))
		return
	}
	if id == "" { // some annexes (export controls) number nothing: the name identifies
		id = importer.ListID(name)
	}
	// Record ids count within an annex.
	what := fmt.Sprintf("EU %s annex %s record %s", celex, get("annex"), id)
	src := graph.Source{Upload: upload, File: rec.File, Row: rec.Line, Evidence: what}
	key := strings.ToLower(celex)
	if a := importer.ListID(get("annex")); a != "" {
		key += "-" + strings.ReplaceAll(a, "_", "")
	}
	e := graph.Entity{ID: "eu-" + key + "-" + id, Kind: graph.Organization, Name: name,
		Address: get("address"), RegistrationID: get("registrationNumber"), Source: src}
	if get("schema") == "Person" {
		e.Kind, e.Address, e.RegistrationID, e.Position = graph.Person, "", "", get("position")
	}
	for _, a := range strings.Split(get("alias"), ";") {
		if a = strings.TrimSpace(a); a != "" && a != name {
			e.Aliases = append(e.Aliases, a)
		}
	}
	for _, c := range []string{get("country"), get("jurisdiction"), get("nationality")} {
		if code, err := importer.ParseCountry(c); err == nil && code != "" {
			e.Country = code
			break
		}
	}
	rows.Entities = append(rows.Entities, e)
	list := ListID(celex)
	n := regulations[celex]
	if n == "" {
		n = "EU sanctions, regulation " + celex
	}
	rows.AddList(graph.List{ID: list, Name: n, Authority: "Council of the European Union", Source: src})
	from, err := importer.ParseDate(get("startDate"), dmy)
	if err != nil {
		rows.Warnings = append(rows.Warnings, rec.Issue("startDate", what+": "+err.Error()+"; listed_from left out"))
		from = ""
	}
	rows.Listings = append(rows.Listings, graph.Listing{Entity: e.ID, List: list, Program: get("programKey"),
		Authority: "Council of the European Union", ListedFrom: from, Reason: get("reason"), Source: src})
}
