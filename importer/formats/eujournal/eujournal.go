// Package eujournal reads OpenSanctions' transcription of the EU Official
// Journal's consolidated sanctions regulations: one CSV per regulation
// (celex, recordId, programKey, startDate, reason, schema, name, alias, …).
// Each record (its id counts within its annex) is an entity (Person, or an organization) listed on the
// regulation's list, eu_<celex>, under its program.
package eujournal

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
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

func reader(data []byte) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	return r
}

// Detect implements importer.Format: the header starts celex, recordId, programKey.
func (Format) Detect(f importer.File) bool {
	h, err := reader(f.Data).Read()
	return err == nil && len(h) > 8 && h[0] == "celex" && h[1] == "recordId" && h[2] == "programKey"
}

// ListID is the list of a regulation.
func ListID(celex string) string { return "eu_" + strings.ToLower(celex) }

// Read implements importer.Format.
func (Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	rows := importer.FormatRows{Records: map[string]int{}}
	dmy, _ := importer.ParseDateFormat("DD.MM.YYYY")
	lists := map[string]bool{}
	for _, f := range files {
		r := reader(f.Data)
		header, err := r.Read()
		if err != nil {
			return rows, fmt.Errorf("%s: %w", f.Name, err)
		}
		cols := map[string]int{}
		for i, h := range header {
			cols[h] = i
		}
		for line := 2; ; line++ {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return rows, fmt.Errorf("%s line %d: %w", f.Name, line, err)
			}
			if line%5000 == 0 && ctx.Err() != nil {
				return rows, ctx.Err()
			}
			get := func(c string) string {
				if i, ok := cols[c]; ok && i < len(rec) {
					return strings.TrimSpace(rec[i])
				}
				return ""
			}
			rows.Records[f.Name]++
			celex, id, name := get("celex"), get("recordId"), get("name")
			if celex == "" || name == "" {
				rows.Issues = append(rows.Issues, importer.Issue{File: f.Name, Row: line, Message: "a record without celex or name"})
				continue
			}
			if id == "" { // some annexes (export controls) number nothing: the name identifies
				id = importer.ListID(name)
			}
			// Record ids count within an annex.
			what := fmt.Sprintf("EU %s annex %s record %s", celex, get("annex"), id)
			src := graph.Source{Upload: upload, File: f.Name, Row: line, Evidence: what}
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
			if !lists[list] {
				lists[list] = true
				n := regulations[celex]
				if n == "" {
					n = "EU sanctions, regulation " + celex
				}
				rows.Lists = append(rows.Lists, graph.List{ID: list, Name: n, Authority: "Council of the European Union", Source: src})
			}
			from, err := importer.ParseDate(get("startDate"), dmy)
			if err != nil {
				rows.Warnings = append(rows.Warnings, importer.Issue{File: f.Name, Row: line, Message: what + ": " + err.Error() + "; listed_from left out"})
				from = ""
			}
			rows.Listings = append(rows.Listings, graph.Listing{Entity: e.ID, List: list, Program: get("programKey"),
				Authority: "Council of the European Union", ListedFrom: from, Reason: get("reason"), Source: src})
		}
	}
	return rows, nil
}
