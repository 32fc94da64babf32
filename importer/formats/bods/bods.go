// Package bods reads Beneficial Ownership Data Standard statements: 0.4
// (recordType entity, person, relationship) and 0.2/0.3 (entityStatement,
// personStatement, ownershipOrControlStatement), as a JSON array or as
// JSON lines. A shareholding or voting-rights interest becomes an OWNS link
// whose percent is the share's minimum (PercentMax keeps the maximum of a
// range such as 75–100%); other interests (board seats, influence) CONTROLS.
package bods

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// Format is the BODS reader.
type Format struct{}

// Name implements importer.Format.
func (Format) Name() string { return "BODS" }

type statement struct {
	StatementID   string `json:"statementId"`
	StatementIDv2 string `json:"statementID"`
	StatementType string `json:"statementType"` // 0.2, 0.3
	RecordID      string `json:"recordId"`      // 0.4
	RecordType    string `json:"recordType"`
	RecordDetails *body  `json:"recordDetails"`
	body
}

// body holds the fields of an entity, person or relationship, at the top of
// a 0.2/0.3 statement or in a 0.4 statement's recordDetails.
type body struct {
	Name                       string                      `json:"name"`
	EntityType                 any                         `json:"entityType"` // 0.2: a string; 0.4: {type}
	Jurisdiction               *code                       `json:"jurisdiction"`
	IncorporatedInJurisdiction *code                       `json:"incorporatedInJurisdiction"`
	FoundingDate               string                      `json:"foundingDate"`
	Identifiers                []ident                     `json:"identifiers"`
	Names                      []struct{ FullName string } `json:"names"`
	Nationalities              []code                      `json:"nationalities"`
	Subject                    any                         `json:"subject"`         // 0.4: a record id; 0.2: {describedByEntityStatement}
	InterestedParty            any                         `json:"interestedParty"` // likewise, or {describedByPersonStatement}
	Interests                  []interest                  `json:"interests"`
}

type code struct {
	Code string `json:"code"`
}

type ident struct {
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
}

type interest struct {
	Type      string `json:"type"`
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
	Share     *struct {
		Exact   *float64 `json:"exact"`
		Minimum *float64 `json:"minimum"`
		Maximum *float64 `json:"maximum"`
	} `json:"share"`
}

func (s statement) id() string {
	for _, v := range []string{s.RecordID, s.StatementIDv2, s.StatementID} {
		if v != "" {
			return v
		}
	}
	return ""
}

// kind is entity, person or relationship in every version.
func (s statement) kind() string {
	switch {
	case s.RecordType != "":
		return s.RecordType
	case s.StatementType == "entityStatement":
		return "entity"
	case s.StatementType == "personStatement":
		return "person"
	case s.StatementType == "ownershipOrControlStatement":
		return "relationship"
	}
	return ""
}

func (s statement) details() body {
	if s.RecordDetails != nil {
		return *s.RecordDetails
	}
	return s.body
}

// Detect implements importer.Format: the first statement has a statement
// type (0.2/0.3) or a record type with record details (0.4).
func (Format) Detect(f importer.File) bool {
	dec, err := decoder(f.Data)
	if err != nil || !dec.More() {
		return false
	}
	var s statement
	return dec.Decode(&s) == nil && s.kind() != "" && s.id() != ""
}

// decoder returns a decoder positioned at the first statement of a JSON
// array or of JSON lines.
func decoder(data []byte) (*json.Decoder, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
	}
	return dec, nil
}

// Read implements importer.Format, one statement at a time.
func (Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	rows := importer.FormatRows{Records: map[string]int{}}
	for _, f := range files {
		dec, err := decoder(f.Data)
		if err != nil {
			return rows, fmt.Errorf("%s: %w", f.Name, err)
		}
		for n := 1; dec.More(); n++ {
			if n%5000 == 0 && ctx.Err() != nil {
				return rows, ctx.Err()
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
					return rows, fmt.Errorf("%s: statement %d is cut off", f.Name, n)
				}
				return rows, fmt.Errorf("%s statement %d: %w", f.Name, n, err)
			}
			rows.Records[f.Name]++
			var s statement
			if err := json.Unmarshal(raw, &s); err != nil {
				rows.Issues = append(rows.Issues, importer.Issue{File: f.Name, Row: n, Message: "not a BODS statement: " + err.Error()})
				continue
			}
			src := graph.Source{Upload: upload, File: f.Name, Row: n, Evidence: "BODS statement " + s.id()}
			if s.id() == "" || s.kind() == "" {
				rows.Issues = append(rows.Issues, importer.Issue{File: f.Name, Row: n, Message: "not a BODS statement (no statement or record id, or no type)"})
				continue
			}
			switch s.kind() {
			case "entity":
				rows.Entities = append(rows.Entities, entityOf(s, src))
			case "person":
				rows.Entities = append(rows.Entities, personOf(s, src))
			case "relationship":
				linksOf(s, src, &rows)
			}
		}
	}
	return rows, nil
}

// ID is the hopcheck id of a BODS record or statement id.
func ID(v string) string { return "bods-" + v }

func entityOf(s statement, src graph.Source) graph.Entity {
	d := s.details()
	e := graph.Entity{ID: ID(s.id()), Kind: graph.Organization, Name: d.Name, Source: src}
	if e.Name == "" {
		e.Name = s.id()
	}
	t := d.EntityType
	if m, ok := t.(map[string]any); ok {
		t = m["type"]
	}
	if t == "stateBody" || t == "state" {
		e.Kind, e.BodyKind = graph.GovernmentBody, "other"
	}
	for _, j := range []*code{d.Jurisdiction, d.IncorporatedInJurisdiction} {
		if j != nil {
			// A subdivision (US-MA) is in its country.
			if c, err := importer.ParseCountry(strings.SplitN(j.Code, "-", 2)[0]); err == nil && c != "" {
				e.Country = c
				break
			}
		}
	}
	if e.Kind == graph.Organization {
		if f, err := importer.ParsePartialDate(d.FoundingDate, importer.DateFormat{}); err == nil {
			e.Founded = f
		}
		for _, i := range d.Identifiers {
			if i.ID != "" {
				e.RegistrationID = strings.TrimSpace(i.Scheme + " " + i.ID)
				break
			}
		}
	}
	return e
}

func personOf(s statement, src graph.Source) graph.Entity {
	d := s.details()
	e := graph.Entity{ID: ID(s.id()), Kind: graph.Person, Source: src}
	for _, n := range d.Names {
		if n.FullName == "" {
			continue
		}
		if e.Name == "" {
			e.Name = n.FullName
		} else if n.FullName != e.Name {
			e.Aliases = append(e.Aliases, n.FullName)
		}
	}
	if e.Name == "" {
		e.Name = "Unnamed person " + s.id()
	}
	for _, n := range d.Nationalities {
		if c, err := importer.ParseCountry(n.Code); err == nil && c != "" {
			e.Country = c
			break
		}
	}
	return e
}

// party reads a 0.4 record id or a 0.2/0.3 {describedBy…Statement} object.
func party(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		for _, k := range []string{"describedByEntityStatement", "describedByPersonStatement"} {
			if s, ok := x[k].(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

func linksOf(s statement, src graph.Source, rows *importer.FormatRows) {
	d := s.details()
	owner, owned := party(d.InterestedParty), party(d.Subject)
	if owner == "" || owned == "" {
		rows.Warnings = append(rows.Warnings, importer.Issue{File: src.File, Row: src.Row, Message: src.Evidence + ": the interested party or subject is not described; skipped"})
		return
	}
	var share *interest
	var other []string
	for i := range d.Interests {
		in := &d.Interests[i]
		switch t := strings.ToLower(in.Type); {
		case (t == "shareholding" || strings.Contains(t, "voting")) && (share == nil || strings.ToLower(share.Type) != "shareholding"):
			share = in
		case t != "shareholding" && !strings.Contains(t, "voting"):
			other = append(other, in.Type)
		}
	}
	if share != nil || len(d.Interests) == 0 {
		l := graph.Link{Type: graph.Owns, From: ID(owner), To: ID(owned), Source: src}
		if share != nil {
			l.Percent, l.PercentMax = shareRange(share)
			l.ValidFrom, l.ValidTo = period(share, src, rows)
		}
		rows.Links = append(rows.Links, l)
	}
	if len(other) > 0 {
		l := graph.Link{Type: graph.Controls, From: ID(owner), To: ID(owned), Role: strings.Join(other, ", "), Source: src}
		rows.Links = append(rows.Links, l)
	}
}

// shareRange is the share's minimum (the exact value when given) and, for
// a range, its maximum.
func shareRange(in *interest) (*float64, *float64) {
	s := in.Share
	if s == nil {
		return nil, nil
	}
	valid := func(p *float64) *float64 {
		if p == nil || *p < 0 || *p > 100 {
			return nil
		}
		return p
	}
	if s.Exact != nil {
		return valid(s.Exact), nil
	}
	lo, hi := valid(s.Minimum), valid(s.Maximum)
	if lo != nil && hi != nil && *hi == *lo {
		hi = nil
	}
	return lo, hi
}

func period(in *interest, src graph.Source, rows *importer.FormatRows) (string, string) {
	from, err1 := importer.ParsePartialDate(in.StartDate, importer.DateFormat{})
	to, err2 := importer.ParsePartialDate(in.EndDate, importer.DateFormat{})
	if err1 != nil || err2 != nil {
		rows.Warnings = append(rows.Warnings, importer.Issue{File: src.File, Row: src.Row, Message: src.Evidence + ": an interest date that is not one; left out"})
		if err1 != nil {
			from = ""
		}
		if err2 != nil {
			to = ""
		}
	}
	from, to = importer.StartOf(from), importer.EndOf(to)
	if from != "" && to != "" && to < from {
		to = ""
	}
	return from, to
}
