package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// cypherWords tells a string literal that is part of a Cypher query.
var cypherWords = regexp.MustCompile(`\b(MATCH|MERGE|CREATE|RETURN|WHERE|SET|UNWIND|CALL|DELETE|DETACH|WITH|COUNT|COLLECT|OPTIONAL)\b|\(:|\[:|\]->|<-\[|\{0,`)

// reviewedCypher are the non-constant parts of Cypher strings in
// graph/neo4jstore that were read and found to come from domain constants
// only (labels, relationship types, integer hop bounds, fixed predicate
// text), keyed by function and expression. User data always goes in as
// query parameters ($name).
var reviewedCypher = map[string]string{
	"horizonQueries: lists":                              "\"true\" or the fixed predicate \"li.id IN $lists\": the list ids are the $lists parameter",
	"horizonQueries: h.paths":                            "a horizon property name from horizonOf: a fixed prefix and hex digits of a hash",
	"horizonQueries: h.owners":                           "a horizon property name from horizonOf: a fixed prefix and hex digits of a hash",
	"horizonQueries: prop":                               "a horizon property name from horizonOf: a fixed prefix and hex digits of a hash, given by horizonQueries",
	"horizonQueries: moves":                              "the moves turned around, written by backMoves from constants",
	"backMoves: d.head":                                  "an arrow of \"-\", \"<-\" chosen by backMoves",
	"backMoves: strings.Join(d.types, \"|\")":            "relationship types from graph.LinkTypes the policy allows",
	"backMoves: d.tail":                                  "an arrow of \"-\", \"->\" chosen by backMoves",
	"farStarts: horizonBase":                             "package constant: the subquery giving the horizon base hb",
	"farStarts: near(h.paths, \"s\", p.MaxHops)":         "fixed predicate text (near) of a horizon property name from horizonOf, a fixed variable name and an integer bound",
	"farStarts: near(h.owners, \"s\", p.OwnershipDepth)": "fixed predicate text (near) of a horizon property name from horizonOf, a fixed variable name and an integer bound",
	"reachQuery: restrictive(\"s\")":                     "fixed predicate text for a fixed variable name",
	"reachQuery: horizonBase":                            "package constant: the subquery giving the horizon base hb",
	"reachQuery: start":                                  "the first level, written by startLevel from constants, a horizon property name and an integer bound",
	"reachQuery: lvls":                                   "the search's levels, written by levels from the policy's types, hop bound and a horizon property name",
	"reachQuery: reach":                                  "fixed predicates and projection of fixed variable names (reached), or a constant RETURN",
	"reachQuery: ownership":                              "the ownership chains' levels, written by ownershipLevels from constants and integer bounds, or a constant WITH",
	"levels: near(prop, \"v\", hops-k)":                  "fixed predicate text (near) of a horizon property name from horizonOf, a fixed variable name and an integer bound",
	"startLevel: near(prop, \"s\", hops)":                "fixed predicate text (near) of a horizon property name from horizonOf, a fixed variable name and an integer bound",
	"reached: near(prop, \"x.n\", 0)":                    "fixed predicate text (near) of a horizon property name from horizonOf, a fixed variable name and an integer bound",
	"ownershipLevels: near(prop, \"s\", depth)":          "fixed predicate text (near) of a horizon property name from horizonOf, a fixed variable name and an integer bound",
	"ownershipLevels: \"CASE WHEN \" + near(prop, \"v\", 0) + \" THEN \" + restrictive(\"v\") + \" ELSE false END\"": "fixed predicate text (near, restrictiveOf) for a fixed variable name",
	"ownershipLevels: near(prop, \"v\", depth-k)":                                                                    "fixed predicate text (near) of a horizon property name from horizonOf, a fixed variable name and an integer bound",
	"reachQuery: validOn(\"r\")":                                      "fixed predicate text for a fixed variable name",
	"reachQuery: restrictive(\"o\")":                                  "fixed predicate text for a fixed variable name",
	"reachQuery: restrictive(\"c\")":                                  "fixed predicate text for a fixed variable name",
	"reachQuery: stakes":                                              "the stakes subquery: a constant with fixed predicates, or a constant RETURN",
	"reachQuery: listedOn(\"l\", lists)":                              "fixed predicate text; the restricted list ids are the $lists parameter",
	"restrictiveOf: n":                                                "a fixed variable name given by reachQuery and levels",
	"restrictiveOf: listedOn(\"lon\", lists)":                         "fixed predicate text; the restricted list ids are the $lists parameter",
	"reachQuery: pathShape(\"x.ns\", \"x.rs\")":                       "fixed projection of fixed variable names",
	"moves: strings.Join(parts, \"\\n        UNION ALL\\n        \")": "the moves of each direction, written by movesOf from constants",
	"movesOf: rel":                                                    "a relationship pattern: an arrow of \"-\", \"<-\", \"->\" and relationship types from graph.LinkTypes the policy allows",
	"movesOf: validOn(\"r\")":                                         "fixed predicate text for a fixed variable name",
	"ownershipLevels: \"MATCH (m:Entity {cluster: u.id}) \" + movesOf(\"<-[r:OWNS]-\")": "a constant and the OWNS moves written by movesOf",
	"ownershipLevels: movesOf(\"<-[r:OWNS]-\")":                                         "the OWNS moves written by movesOf from constants",
	"reachQuery: byParent":                          "the by-parent search: constants, levels of the parent step and reached",
	"reached: name":                                 "a fixed column name given by reachQuery",
	"reached: restrictive(\"x.n\")":                 "fixed predicate text for a fixed variable name",
	"reached: shape":                                "a fixed projection given by reachQuery",
	"writeDecisions: i.LinkType()":                  "SAME_AS or NOT_SAME_AS: the relationship type of a graph.Identity constant",
	"levels: m":                                     "the moves subquery, written by moves from constants",
	"Stats: k.Label()":                              "labels of graph.Kinds",
	"Stats: string(t)":                              "relationship types of graph.LinkTypes",
	"writeEntities: k.Label()":                      "called for each of graph.Kinds",
	"writeLinks: string(t)":                         "called for each of graph.LinkTypes",
	"createEntities: k.Label()":                     "called for each of graph.Kinds",
	"createLinks: string(t)":                        "called for each of graph.LinkTypes",
	"linkKeyConstraint: strings.ToLower(string(t))": "called for each of graph.LinkTypes",
	"linkKeyConstraint: string(t)":                  "called for each of graph.LinkTypes",
	"Links: allLinkTypes":                           "package variable joining graph.LinkTypes",
	"History: allLinkTypes":                         "package variable joining graph.LinkTypes",
	"Export: allLinkTypes":                          "package variable joining graph.LinkTypes",
	"Neighborhood: types":                           "graph.LinkTypes constants picked by the query, never its text",
}

// TestNoCypherBuiltFromUserData scans the Neo4j store's sources for Cypher
// text put together with fmt.Sprintf, +, += or strings.NewReplacer, and
// fails on any non-constant part not reviewed above. Names are data: they
// must reach Neo4j as parameters, never as query text.
func TestNoCypherBuiltFromUserData(t *testing.T) {
	dir := filepath.Join("..", "..", "graph", "neo4jstore")
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no sources in %s: %v", dir, err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	consts := map[string]bool{}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		ast.Inspect(f, func(n ast.Node) bool {
			if d, ok := n.(*ast.GenDecl); ok && d.Tok == token.CONST {
				for _, s := range d.Specs {
					for _, name := range s.(*ast.ValueSpec).Names {
						consts[name.Name] = true
					}
				}
			}
			return true
		})
	}
	src := func(e ast.Expr) string {
		var b bytes.Buffer
		_ = printer.Fprint(&b, fset, e)
		return b.String()
	}
	constant := func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.BasicLit:
			return true
		case *ast.Ident:
			return consts[e.Name]
		}
		return false
	}
	literal := func(e ast.Expr) string {
		if l, ok := e.(*ast.BasicLit); ok && l.Kind == token.STRING {
			s, _ := strconv.Unquote(l.Value)
			return s
		}
		return ""
	}
	// parts flattens a + chain.
	var parts func(e ast.Expr) []ast.Expr
	parts = func(e ast.Expr) []ast.Expr {
		if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
			return append(parts(b.X), parts(b.Y)...)
		}
		if p, ok := e.(*ast.ParenExpr); ok {
			return parts(p.X)
		}
		return []ast.Expr{e}
	}
	// inChain marks the inner nodes of a + chain already checked whole.
	inChain := map[ast.Node]bool{}
	var markChain func(e ast.Expr)
	markChain = func(e ast.Expr) {
		switch e := e.(type) {
		case *ast.BinaryExpr:
			if e.Op == token.ADD {
				inChain[e] = true
				markChain(e.X)
				markChain(e.Y)
			}
		case *ast.ParenExpr:
			markChain(e.X)
		}
	}
	var found []string
	unreviewed := 0
	used := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			check := func(pos token.Pos, operands []ast.Expr, texts []string) {
				cypher := false
				for _, s := range texts {
					cypher = cypher || cypherWords.MatchString(s)
				}
				if !cypher {
					return
				}
				for _, o := range operands {
					if constant(o) {
						continue
					}
					key := fn.Name.Name + ": " + src(o)
					used[key] = true
					why, ok := reviewedCypher[key]
					if !ok {
						unreviewed++
						why = "NOT REVIEWED"
						t.Errorf("%s: Cypher text built from %s in %s: if it can hold user data, make it a parameter; if it is a domain constant, add %q to reviewedCypher",
							fset.Position(pos), src(o), fn.Name.Name, key)
					}
					found = append(found, key+" ("+why+")")
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					name := src(n.Fun)
					switch {
					case name == "fmt.Sprintf" && len(n.Args) > 0:
						check(n.Pos(), n.Args[1:], []string{literal(n.Args[0])})
					case name == "fmt.Sprint" || name == "fmt.Sprintln":
						var texts []string
						for _, a := range n.Args {
							texts = append(texts, literal(a))
						}
						check(n.Pos(), n.Args, texts)
					case strings.HasSuffix(name, ".Replace") && len(n.Args) == 1:
						// strings.NewReplacer(k, v, …).Replace(query): the values go into the query.
						sel, _ := n.Fun.(*ast.SelectorExpr)
						inner, ok := sel.X.(*ast.CallExpr)
						if ok && src(inner.Fun) == "strings.NewReplacer" && constant(n.Args[0]) {
							var vals []ast.Expr
							for i := 1; i < len(inner.Args); i += 2 {
								vals = append(vals, inner.Args[i])
							}
							check(n.Pos(), vals, []string{"MATCH"}) // the template is a query
						}
					}
				case *ast.BinaryExpr:
					if n.Op != token.ADD || inChain[n] {
						return true
					}
					ps := parts(n)
					markChain(n)
					var texts []string
					for _, p := range ps {
						texts = append(texts, literal(p))
					}
					check(n.Pos(), ps, texts)
				case *ast.AssignStmt:
					if n.Tok == token.ADD_ASSIGN && len(n.Rhs) == 1 {
						ps := parts(n.Rhs[0])
						markChain(n.Rhs[0])
						var texts []string
						for _, p := range ps {
							texts = append(texts, literal(p))
						}
						check(n.Pos(), ps, texts)
					}
				}
				return true
			})
		}
	}
	for key := range reviewedCypher {
		if !used[key] {
			t.Errorf("reviewedCypher lists %q, which no Cypher text is built from any more: remove it", key)
		}
	}
	sort.Strings(found)
	found = compact(found)
	t.Logf("non-constant parts of Cypher text in graph/neo4jstore (%d unreviewed):\n  %s", unreviewed, strings.Join(found, "\n  "))
}

func compact(ss []string) []string {
	var out []string
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}
