package neo4jstore

import (
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/match"
)

// How domain values become Neo4j properties and back. Empty strings and nil
// pointers are not stored (a Neo4j property is absent rather than ""), and
// dates are Neo4j dates, so that investigators can compare them with date().

const day = "2006-01-02"

// parseDay parses a YYYY-MM-DD date; what names the value in the error.
func parseDay(v, what string) (time.Time, error) {
	t, err := time.Parse(day, v)
	if err != nil || t.Format(day) != v {
		return time.Time{}, graph.Errorf(graph.EINVALID, "%s: %q is not a date (YYYY-MM-DD)", what, v)
	}
	return t, nil
}

// dateValue is the Neo4j date of a checked YYYY-MM-DD string, nil when empty.
func dateValue(v string) any {
	if v == "" {
		return nil
	}
	t, err := time.Parse(day, v)
	if err != nil {
		return nil // Apply checks dates before writing
	}
	return neo4j.DateOf(t)
}

func strValue(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func floatValue(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func boolValue(v *bool) any {
	if v == nil {
		return nil
	}
	return *v
}

func sourceProps(m map[string]any, s graph.Source) map[string]any {
	m["upload"] = strValue(s.Upload)
	m["file"] = strValue(s.File)
	m["sheet"] = strValue(s.Sheet)
	m["row"] = int64(s.Row)
	m["evidence"] = strValue(s.Evidence)
	return m
}

// nameKeys is the stored "|key|key|…|" of an entity's name and aliases,
// nil when it has none; NameKey never yields "|", so a key is found with
// CONTAINS "|key|".
func nameKeys(e graph.Entity) any {
	seen := map[string]bool{}
	var keys []string
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		if k := graph.NameKey(n); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	return "|" + strings.Join(keys, "|") + "|"
}

// matchKeys is the entity's retrieval keys (graph/match), separated by
// spaces, for the full-text index entity_match.
func matchKeys(e graph.Entity) any {
	keys := match.Keys(append([]string{e.Name}, e.Aliases...))
	if len(keys) == 0 {
		return nil
	}
	return strings.Join(keys, " ")
}

func entityProps(e graph.Entity) map[string]any {
	var aliases any
	if len(e.Aliases) > 0 {
		aliases = e.Aliases
	}
	return sourceProps(map[string]any{
		"id": e.ID, "name": strValue(e.Name), "aliases": aliases, "country": strValue(e.Country),
		"role": strValue(e.Role), "registration_id": strValue(e.RegistrationID), "address": strValue(e.Address),
		"founded": strValue(e.Founded), "position": strValue(e.Position), "kind": strValue(e.BodyKind),
		"restrictive": boolValue(e.Restrictive), "basis": strValue(e.Basis), "name_keys": nameKeys(e),
		"match_keys": matchKeys(e),
	}, e.Source)
}

func countryProps(c graph.Country) map[string]any {
	return sourceProps(map[string]any{"code": c.Code, "name": strValue(c.Name)}, c.Source)
}

// assessmentProps are the properties of a country's Assessment nodes; a
// year of 0 (no year) is not stored.
func assessmentProps(c graph.Country) []map[string]any {
	out := make([]map[string]any, len(c.Assessments))
	for i, a := range c.Assessments {
		var year any
		if a.Year != 0 {
			year = int64(a.Year)
		}
		out[i] = sourceProps(map[string]any{
			"country": c.Code, "year": year, "restrictive": boolValue(a.Restrictive),
			"score": floatValue(a.Score), "basis": strValue(a.Basis),
		}, a.Source)
	}
	return out
}

func listProps(l graph.List) map[string]any {
	return sourceProps(map[string]any{"id": l.ID, "name": strValue(l.Name), "authority": strValue(l.Authority)}, l.Source)
}

func listingProps(l graph.Listing) map[string]any {
	return sourceProps(map[string]any{
		"key": l.Key(), "program": strValue(l.Program), "authority": strValue(l.Authority),
		"listed_from": dateValue(l.ListedFrom), "listed_to": dateValue(l.ListedTo), "reason": strValue(l.Reason),
	}, l.Source)
}

func linkProps(l graph.Link) map[string]any {
	return sourceProps(map[string]any{
		"key": l.Key(), "percent": floatValue(l.Percent), "percent_max": floatValue(l.PercentMax), "role": strValue(l.Role),
		"valid_from": dateValue(l.ValidFrom), "valid_to": dateValue(l.ValidTo),
	}, l.Source)
}

func transactionProps(t graph.Transaction) map[string]any {
	return sourceProps(map[string]any{
		"id": t.ID, "date": dateValue(t.Date), "product": strValue(t.Product), "capability": strValue(t.Capability),
		"quantity": floatValue(t.Quantity), "value": floatValue(t.Value), "currency": strValue(t.Currency),
		"ship_to": strValue(t.ShipTo),
	}, t.Source)
}

// props reads the property map of a node, relationship or map value.
func props(v any) map[string]any {
	switch x := v.(type) {
	case dbtype.Node:
		return x.Props
	case dbtype.Relationship:
		return x.Props
	case map[string]any:
		return x
	}
	return nil
}

func getStr(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case string:
		return v
	case dbtype.Date:
		return time.Time(v).Format(day)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func getFloat(m map[string]any, k string) *float64 {
	switch v := m[k].(type) {
	case float64:
		return &v
	case int64:
		f := float64(v)
		return &f
	}
	return nil
}

func getBool(m map[string]any, k string) *bool {
	if v, ok := m[k].(bool); ok {
		return &v
	}
	return nil
}

func getStrings(m map[string]any, k string) []string {
	vs, ok := m[k].([]any)
	if !ok || len(vs) == 0 {
		return nil
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func getSource(m map[string]any) graph.Source {
	row, _ := m["row"].(int64)
	return graph.Source{Upload: getStr(m, "upload"), File: getStr(m, "file"), Sheet: getStr(m, "sheet"),
		Row: int(row), Evidence: getStr(m, "evidence")}
}

// kindOf reads an entity's kind from its labels.
func kindOf(labels []string) graph.Kind {
	for _, l := range labels {
		for _, k := range graph.Kinds {
			if k.Label() == l {
				return k
			}
		}
	}
	return ""
}

func labelsOf(v any) []string {
	switch x := v.(type) {
	case dbtype.Node:
		return x.Labels
	case []any:
		out := make([]string, 0, len(x))
		for _, l := range x {
			if s, ok := l.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func entityOf(n dbtype.Node) graph.Entity {
	m := n.Props
	return graph.Entity{
		ID: getStr(m, "id"), Kind: kindOf(n.Labels), Name: getStr(m, "name"), Aliases: getStrings(m, "aliases"),
		Country: getStr(m, "country"), Role: getStr(m, "role"), RegistrationID: getStr(m, "registration_id"),
		Address: getStr(m, "address"), Founded: getStr(m, "founded"), Position: getStr(m, "position"),
		BodyKind: getStr(m, "kind"), Restrictive: getBool(m, "restrictive"), Basis: getStr(m, "basis"),
		Source: getSource(m),
	}
}

// countryOf reads a country from its node's properties and its Assessment
// nodes (see assessmentsOf).
func countryOf(m map[string]any, assessments []any) graph.Country {
	c := graph.Country{Code: getStr(m, "code"), Name: getStr(m, "name"), Source: getSource(m)}
	for _, v := range assessments {
		a := props(v)
		year, _ := a["year"].(int64)
		c.Assessments = append(c.Assessments, graph.CountryAssessment{Year: int(year), Restrictive: getBool(a, "restrictive"),
			Score: getFloat(a, "score"), Basis: getStr(a, "basis"), Source: getSource(a)})
	}
	graph.SortAssessments(c.Assessments)
	return c
}

// assessmentsOf lists a country c's Assessment nodes.
const assessmentsOf = "COLLECT { MATCH (c)-[:HAS_ASSESSMENT]->(a:Assessment) RETURN a } AS assessments"

func listOf(m map[string]any) graph.List {
	return graph.List{ID: getStr(m, "id"), Name: getStr(m, "name"), Authority: getStr(m, "authority"), Source: getSource(m)}
}

// listingOf reads a listing from its relationship's properties and its ends.
func listingOf(m map[string]any, entity, list string) graph.Listing {
	return graph.Listing{Entity: entity, List: list, Program: getStr(m, "program"), Authority: getStr(m, "authority"),
		ListedFrom: getStr(m, "listed_from"), ListedTo: getStr(m, "listed_to"), Reason: getStr(m, "reason"), Source: getSource(m)}
}

// linkOf reads a link from a relationship's properties and its ends' ids.
func linkOf(typ string, m map[string]any, from, to string) graph.Link {
	return graph.Link{Type: graph.LinkType(typ), From: from, To: to, Percent: getFloat(m, "percent"), PercentMax: getFloat(m, "percent_max"), Role: getStr(m, "role"),
		ValidFrom: getStr(m, "valid_from"), ValidTo: getStr(m, "valid_to"), Source: getSource(m)}
}

// transactionOf reads a transaction from its node's properties and its
// parties, given as [relationship type, entity id] pairs.
func transactionOf(m map[string]any, parties []any) graph.Transaction {
	t := graph.Transaction{ID: getStr(m, "id"), Date: getStr(m, "date"), ShipTo: getStr(m, "ship_to"),
		Product: getStr(m, "product"), Capability: getStr(m, "capability"), Quantity: getFloat(m, "quantity"),
		Value: getFloat(m, "value"), Currency: getStr(m, "currency"), Source: getSource(m)}
	for _, p := range parties {
		pair, ok := p.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		id, _ := pair[1].(string)
		switch pair[0] {
		case "BUYER":
			t.Buyer = id
		case "SELLER":
			t.Seller = id
		case "END_USER":
			t.EndUser = id
		}
	}
	return t
}

// refOf reads a path node given as {id, name, country, labels}.
func refOf(v any) graph.Ref {
	m := props(v)
	return graph.Ref{ID: getStr(m, "id"), Name: getStr(m, "name"), Country: getStr(m, "country"),
		Label: kindOf(labelsOf(m["labels"])).Label()}
}
