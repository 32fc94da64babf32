package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/connect"
	"github.com/hopcheck/hopcheck/importer"
)

// intParam reads an integer query parameter within [lo, hi]; def when absent.
func intParam(c *gin.Context, name string, def, lo, hi int) (int, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, invalid("%s=%q: expected a whole number from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

// countryParam reads a country query parameter as alpha-2.
func countryParam(c *gin.Context, name string) (string, error) {
	s := c.Query(name)
	if s == "" {
		return "", nil
	}
	code, err := importer.ParseCountry(s)
	if err != nil {
		return "", invalid("%s: %v", name, err)
	}
	return code, nil
}

// typesParam reads the types query parameter: link types separated by
// commas, in any case; nil when absent.
func typesParam(c *gin.Context) ([]graph.LinkType, error) {
	var types []graph.LinkType
	if s := c.Query("types"); s != "" {
		for _, t := range strings.Split(s, ",") {
			lt := graph.LinkType(strings.ToUpper(strings.TrimSpace(t)))
			if !lt.Valid() {
				return nil, invalid("types: unknown link type %q (known: owns, controls, supplies, part_of, officer_of, related_to, agent_of)", t)
			}
			types = append(types, lt)
		}
	}
	return types, nil
}

// handleSearch finds entities by name or alias, best first.
func handleSearch(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		q := strings.TrimSpace(c.Query("q"))
		if q == "" {
			respondErr(c, invalid("q is required: the name to search for"))
			return
		}
		limit, err := intParam(c, "limit", 20, 1, 100)
		if err != nil {
			respondErr(c, err)
			return
		}
		country, err := countryParam(c, "country")
		if err != nil {
			respondErr(c, err)
			return
		}
		kind := graph.Kind(c.Query("kind"))
		if kind != "" && !kind.Valid() {
			respondErr(c, invalid("kind %q: expected organization, person or government_body", kind))
			return
		}
		ms, err := deps.Store.Search(c.Request.Context(), graph.SearchQuery{Text: q, Country: country, Kind: kind, Restrict: true, Prefix: true, Limit: limit})
		if err != nil {
			respondErr(c, err)
			return
		}
		if ms == nil {
			ms = []graph.Match{}
		}
		respond(c, http.StatusOK, gin.H{"matches": ms})
	}
}

// entityResponse is an entity with every link from or to it, each with
// its source, the short form of the entities at the other ends, and its
// listings with the lists they are on.
type entityResponse struct {
	Entity   graph.Entity          `json:"entity"`
	Links    []graph.Link          `json:"links"`
	Related  map[string]graph.Ref  `json:"related"`
	Listings []graph.Listing       `json:"listings"`
	Lists    map[string]graph.List `json:"lists"`
}

// handleEntity returns an entity, its links and their provenance.
func handleEntity(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id := c.Param("id")
		e, err := deps.Store.Entity(ctx, id)
		if err != nil {
			respondErr(c, err)
			return
		}
		links, err := deps.Store.Links(ctx, id)
		if err != nil {
			respondErr(c, err)
			return
		}
		res := entityResponse{Entity: e, Links: links, Related: map[string]graph.Ref{}, Lists: map[string]graph.List{}}
		if res.Links == nil {
			res.Links = []graph.Link{}
		}
		if res.Listings, err = deps.Store.Listings(ctx, id); err != nil {
			respondErr(c, err)
			return
		}
		if res.Listings == nil {
			res.Listings = []graph.Listing{}
		}
		if len(res.Listings) > 0 {
			lists, err := deps.Store.Lists(ctx)
			if err != nil {
				respondErr(c, err)
				return
			}
			for _, l := range lists {
				for _, x := range res.Listings {
					if x.List == l.ID {
						res.Lists[l.ID] = l
					}
				}
			}
		}
		for _, l := range links {
			for _, other := range []string{l.From, l.To} {
				if _, done := res.Related[other]; done || other == id {
					continue
				}
				o, err := deps.Store.Entity(ctx, other)
				if err != nil {
					respondErr(c, err)
					return
				}
				res.Related[other] = o.Ref()
			}
		}
		respond(c, http.StatusOK, res)
	}
}

// handleNeighborhood returns the part of the graph around an entity,
// bounded, saying when it stopped at the bound.
func handleNeighborhood(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		depth, err := intParam(c, "depth", 1, 1, 4)
		if err != nil {
			respondErr(c, err)
			return
		}
		limit, err := intParam(c, "limit", 200, 1, 2000)
		if err != nil {
			respondErr(c, err)
			return
		}
		types, err := typesParam(c)
		if err != nil {
			respondErr(c, err)
			return
		}
		ctx := c.Request.Context()
		id := c.Param("id")
		if _, err := deps.Store.Entity(ctx, id); err != nil {
			respondErr(c, err)
			return
		}
		sg, err := deps.Store.Neighborhood(ctx, id, graph.NeighborhoodQuery{Depth: depth, Limit: limit, Types: types})
		if err != nil {
			respondErr(c, err)
			return
		}
		if sg.Entities == nil {
			sg.Entities = []graph.Entity{}
		}
		if sg.Links == nil {
			sg.Links = []graph.Link{}
		}
		if sg.Listings == nil {
			sg.Listings = []graph.Listing{}
		}
		respond(c, http.StatusOK, sg)
	}
}

// exposureResponse is an entity's assessment as a counterparty on a day.
type exposureResponse struct {
	Entity graph.Ref `json:"entity"`
	Date   string    `json:"date"`
	graph.Assessment
}

// handleExposure assesses an entity as a counterparty.
func handleExposure(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		day, err := parseDay(c.Query("date"))
		if err != nil {
			respondErr(c, err)
			return
		}
		if day == "" {
			day = graph.Today(deps.Now())
		}
		e, err := deps.Store.Entity(ctx, c.Param("id"))
		if err != nil {
			respondErr(c, err)
			return
		}
		a, err := deps.Evaluator.Entity(ctx, e.ID, day)
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, exposureResponse{Entity: e.Ref(), Date: day, Assessment: a})
	}
}

// handleTransaction returns a transaction and its flag, if it has one.
func handleTransaction(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		t, err := deps.Store.Transaction(ctx, c.Param("id"))
		if err != nil {
			respondErr(c, err)
			return
		}
		var flag *graph.Flag
		f, err := deps.Store.Flag(ctx, t.ID)
		switch {
		case err == nil:
			flag = &f
		case graph.ErrorCode(err) != graph.ENOTFOUND:
			respondErr(c, err)
			return
		}
		// four_eyes tells the UI whether clearing a critical flag takes a
		// second reviewer under the served policy.
		respond(c, http.StatusOK, gin.H{"transaction": t, "flag": flag, "four_eyes": deps.Evaluator.Policy().FourEyes})
	}
}

// handleHistory lists the revisions of an entity and of its links: the
// earlier values, the row that had stated them and the row that changed them.
func handleHistory(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		rs, err := deps.Store.History(c.Request.Context(), c.Param("id"))
		if err != nil {
			respondErr(c, err)
			return
		}
		if rs == nil {
			rs = []graph.Revision{}
		}
		respond(c, http.StatusOK, gin.H{"revisions": rs})
	}
}

// entityTransaction is a transaction an entity takes part in, the parts
// it takes (buyer, seller, end_user) and the transaction's flag, if any.
type entityTransaction struct {
	Transaction graph.Transaction `json:"transaction"`
	Roles       []string          `json:"roles"`
	Flag        *graph.Flag       `json:"flag"`
}

// handleEntityTransactions lists the transactions an entity buys, sells
// or is the declared end-user of, each with its flag, newest first.
func handleEntityTransactions(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit, err := intParam(c, "limit", 100, 1, 1000)
		if err != nil {
			respondErr(c, err)
			return
		}
		ctx := c.Request.Context()
		id := c.Param("id")
		if _, err := deps.Store.Entity(ctx, id); err != nil {
			respondErr(c, err)
			return
		}
		ts, err := deps.Store.Transactions(ctx, []string{id})
		if err != nil {
			respondErr(c, err)
			return
		}
		slices.SortStableFunc(ts, func(a, b graph.Transaction) int { return strings.Compare(b.Date, a.Date) })
		out := []entityTransaction{}
		for _, t := range ts[:min(limit, len(ts))] {
			x := entityTransaction{Transaction: t, Roles: []string{}}
			for _, r := range []struct{ name, id string }{{"buyer", t.Buyer}, {"seller", t.Seller}, {"end_user", t.EndUser}} {
				if r.id == id {
					x.Roles = append(x.Roles, r.name)
				}
			}
			f, err := deps.Store.Flag(ctx, t.ID)
			switch {
			case err == nil:
				x.Flag = &f
			case graph.ErrorCode(err) != graph.ENOTFOUND:
				respondErr(c, err)
				return
			}
			out = append(out, x)
		}
		respond(c, http.StatusOK, gin.H{"transactions": out, "total": len(ts)})
	}
}

// handleConnection finds the shortest chain of links between two
// entities (graph/connect), on a day when one is given.
func handleConnection(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		day, err := parseDay(c.Query("date"))
		if err != nil {
			respondErr(c, err)
			return
		}
		hops, err := intParam(c, "max_hops", connect.DefaultHops, 1, connect.MaxHops)
		if err != nil {
			respondErr(c, err)
			return
		}
		types, err := typesParam(c)
		if err != nil {
			respondErr(c, err)
			return
		}
		q := connect.Query{From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to")), Day: day, Types: types, MaxHops: hops}
		p, found, err := connect.Shortest(c.Request.Context(), deps.Store, q)
		if err != nil {
			respondErr(c, err)
			return
		}
		if !found {
			respond(c, http.StatusOK, gin.H{"found": false, "entities": []graph.Ref{}, "links": []graph.Link{}, "max_hops": hops, "date": day})
			return
		}
		respond(c, http.StatusOK, gin.H{"found": true, "entities": p.Entities, "links": p.Links, "max_hops": hops, "date": day})
	}
}
