package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// Record is one entry of a real list, as the benchmark reads it: only
// what a matcher needs. The readers are the benchmark's own, so that it
// does not depend on the product's importers.
type Record struct {
	ID      string   `json:"id"`
	Source  string   `json:"source"`
	Kind    string   `json:"kind"` // organization, person, government_body
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	Country string   `json:"country,omitempty"`
}

// loadLists reads the real lists of dir (../shared/data/real).
func loadLists(dir string) ([]Record, error) {
	var all []Record
	for _, l := range []struct {
		path string
		read func(string) ([]Record, error)
	}{
		{"ofac_sdn_2024-05-03.csv", readOFAC},
		{"opensanctions/eu__journal_sanctions__data__consolidated__32006R0765.csv", readEU},
		{"opensanctions/eu__journal_sanctions__data__consolidated__32011R0359.csv", readEU},
		{"opensanctions/eu__journal_sanctions__data__consolidated__32012R0036.csv", readEU},
		{"opensanctions/eu__journal_sanctions__data__consolidated__32013R0401.csv", readEU},
		{"opensanctions/eu__journal_sanctions__data__consolidated__32020R1998.csv", readEU},
		{"opensanctions/eu__journal_sanctions__data__consolidated__32024R1485.csv", readEU},
		{"opensanctions/us__bis_mieu__mieu.csv", readMIEU},
		{"opensanctions/us__dod_chinese_milcorps__sanctions.csv", readDoD},
		{"opensanctions/us__special_leg__source_files__section_889.csv", readSection889},
		{"sii/sii_companies_flat.csv", readSII},
	} {
		rs, err := l.read(filepath.Join(dir, l.path))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.path, err)
		}
		all = append(all, rs...)
	}
	return all, nil
}

func readRows(path string, latin1, header bool) ([]map[string]string, [][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	data = bytes.TrimRight(data, "\x1a\r\n")
	if latin1 {
		var b strings.Builder
		for _, c := range data {
			b.WriteRune(rune(c))
		}
		data = []byte(b.String())
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, row)
	}
	if !header {
		return nil, rows, nil
	}
	var out []map[string]string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(row) {
				m[h] = strings.TrimSpace(row[i])
			}
		}
		out = append(out, m)
	}
	return out, nil, nil
}

var aka = regexp.MustCompile(`a\.k\.a\. '([^']+)'`)

// readOFAC reads sdn.csv: no header, Latin-1, a trailing ^Z; aliases are
// the remarks' a.k.a. names; vessels and aircraft are left out.
func readOFAC(path string) ([]Record, error) {
	_, rows, err := readRows(path, true, false)
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, row := range rows {
		if len(row) < 12 {
			continue
		}
		kind := "organization"
		switch strings.TrimSpace(row[2]) {
		case "individual":
			kind = "person"
		case "vessel", "aircraft":
			continue
		}
		r := Record{ID: "ofac-" + strings.TrimSpace(row[0]), Source: "ofac", Kind: kind, Name: strings.TrimSpace(row[1])}
		for _, m := range aka.FindAllStringSubmatch(row[11], -1) {
			r.Aliases = append(r.Aliases, m[1])
		}
		out = append(out, r)
	}
	return out, nil
}

func split(s string, seps string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func country(s string) string {
	for _, p := range split(s, ";,") {
		if c, err := importer.ParseCountry(p); err == nil {
			return c
		}
	}
	return ""
}

func kindOf(schema string) string {
	switch schema {
	case "Person":
		return "person"
	case "PublicBody":
		return "government_body"
	}
	return "organization"
}

func readEU(path string) ([]Record, error) {
	rows, _, err := readRows(path, false, true)
	if err != nil {
		return nil, err
	}
	var out []Record
	for i, m := range rows {
		if m["name"] == "" || m["schema"] == "Vessel" {
			continue
		}
		r := Record{ID: fmt.Sprintf("eu-%s-%d", m["celex"], i+2), Source: "eu-" + m["programKey"], Kind: kindOf(m["schema"]),
			Name: m["name"], Aliases: append(split(m["alias"], ";"), split(m["weakAlias"], ";")...), Country: country(m["country"] + ";" + m["nationality"])}
		out = append(out, r)
	}
	return out, nil
}

func readMIEU(path string) ([]Record, error) {
	rows, _, err := readRows(path, false, true)
	if err != nil {
		return nil, err
	}
	var out []Record
	for i, m := range rows {
		out = append(out, Record{ID: fmt.Sprintf("mieu-%d", i+1), Source: "bis-mieu", Kind: kindOf(m["Type"]), Name: m["Name"],
			Aliases: split(m["Alias"], ";"), Country: country(m["Country"])})
	}
	return out, nil
}

func readDoD(path string) ([]Record, error) {
	rows, _, err := readRows(path, false, true)
	if err != nil {
		return nil, err
	}
	var out []Record
	for i, m := range rows {
		r := Record{ID: fmt.Sprintf("dod-%d", i+1), Source: "dod-1260h", Kind: "organization", Name: m["Clean Name"], Country: "CN"}
		if r.Name == "" {
			r.Name = m["Name"]
		}
		r.Aliases = append(split(m["Alias"], ";"), split(m["Previous Name"], ";")...)
		out = append(out, r)
	}
	return out, nil
}

func readSection889(path string) ([]Record, error) {
	rows, _, err := readRows(path, false, true)
	if err != nil {
		return nil, err
	}
	var out []Record
	for i, m := range rows {
		out = append(out, Record{ID: fmt.Sprintf("s889-%d", i+1), Source: "section-889", Kind: "organization", Name: m["name"],
			Aliases: split(m["aliases"], ";"), Country: "CN"})
	}
	return out, nil
}

func readSII(path string) ([]Record, error) {
	rows, _, err := readRows(path, false, true)
	if err != nil {
		return nil, err
	}
	var out []Record
	for _, m := range rows {
		if m["company_name"] == "" {
			continue
		}
		out = append(out, Record{ID: fmt.Sprintf("sii-%d", len(out)+1), Source: "sii", Kind: "organization", Name: m["company_name"], Country: country(m["hq_country"])})
	}
	return out, nil
}

// entity is the record as the graph stores it.
func (r Record) entity() graph.Entity {
	return graph.Entity{ID: r.ID, Kind: graph.Kind(r.Kind), Name: r.Name, Aliases: r.Aliases, Country: r.Country,
		Source: graph.Source{Upload: "matchbench", File: r.Source, Row: 1}}
}
