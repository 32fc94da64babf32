package graphtest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// Injections are names that are data and must stay data: quotes,
// backticks, braces, comments, Cypher and SQL keywords, parameters,
// formula triggers and Unicode controls. None holds ";" (the alias
// separator) or leading or trailing spaces (spreadsheet cells are
// trimmed), and no two share a graph.NameKey, so each is its own entity.
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

// injectionUpload stores each injection string as an organization's name,
// aliases and address, as the evidence and sheet of a link from it to the
// next one, and as the product of a transaction it buys.
func injectionUpload() graph.Upload {
	b := NewBuilder("u-injection")
	n := len(Injections)
	for i, text := range Injections {
		b.Entity(graph.Entity{ID: InjectionID(i), Kind: graph.Organization, Name: text, Aliases: InjectionAliases(i),
			Country: XF, Address: text})
		b.Link(graph.Supplies, InjectionID(i), InjectionID((i+1)%n))
		b.Tx(graph.Transaction{ID: "T-" + InjectionID(i), Date: "2024-06-01", Buyer: InjectionID(i), Product: text})
	}
	u := b.Upload()
	for i := range u.Links {
		u.Links[i].Source.Evidence, u.Links[i].Source.Sheet = Injections[i], Injections[i]
	}
	return u
}

// testInjection writes the injection strings into a store that already
// holds the fixture and reads each back unchanged: by id, by name key, by
// search, in links, transactions and the export. Nothing else changes.
func testInjection(t *testing.T, s graph.Store) {
	fixture().MustApply(t, s)
	before, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := injectionUpload()
	n := len(Injections)
	res, err := s.Apply(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Entities.Created != n || res.Links.Created != n || res.Transactions.Created != n {
		t.Errorf("result %+v, want %d entities, links and transactions created", res, n)
	}
	for i, text := range Injections {
		id := InjectionID(i)
		e, err := s.Entity(ctx, id)
		if err != nil || !reflect.DeepEqual(e, u.Entities[i]) {
			t.Errorf("entity %s (%v)\n got %#v\nwant %#v", id, err, e, u.Entities[i])
		}
		ls, err := s.Links(ctx, id)
		if err != nil || !slices.ContainsFunc(ls, func(l graph.Link) bool { return reflect.DeepEqual(l, u.Links[i]) }) {
			t.Errorf("links of %s (%v): %#v, want one with evidence %q", id, err, ls, text)
		}
		tx, err := s.Transaction(ctx, "T-"+id)
		if err != nil || tx.Product != text {
			t.Errorf("transaction T-%s (%v): product %q, want %q", id, err, tx.Product, text)
		}
		key := graph.NameKey(text)
		byName, err := s.EntitiesByName(ctx, []string{key})
		if err != nil || len(byName[key]) != 1 || byName[key][0].ID != id {
			t.Errorf("EntitiesByName(%q) (%v): %+v, want %s alone", key, err, byName[key], id)
		}
		ms, err := s.Search(ctx, graph.SearchQuery{Text: text, Limit: 5})
		if err != nil || len(ms) == 0 || ms[0].Entity.ID != id || ms[0].Entity.Name != text {
			t.Errorf("search %q (%v): %+v, want %s first", text, err, ms, id)
		}
	}
	after, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := before
	want.Entities = append(slices.Clone(want.Entities), u.Entities...)
	want.Links = append(slices.Clone(want.Links), u.Links...)
	want.Transactions = append(slices.Clone(want.Transactions), u.Transactions...)
	sortExport(&want)
	if !reflect.DeepEqual(after, want) {
		t.Errorf("export after the injection upload differs from the fixture plus the upload:\n got %#v\nwant %#v", after, want)
	}
}

// sortExport orders an upload as Store.Export does: entities and
// transactions by id, links by key.
func sortExport(u *graph.Upload) {
	slices.SortFunc(u.Entities, func(a, b graph.Entity) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(u.Links, func(a, b graph.Link) int { return strings.Compare(a.Key(), b.Key()) })
	slices.SortFunc(u.Transactions, func(a, b graph.Transaction) int { return strings.Compare(a.ID, b.ID) })
}
