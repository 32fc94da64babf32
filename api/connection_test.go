package api_test

import (
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// chainFiles: GOV-1 of a restrictive country reaches the buyer ORG-E in
// five steps; ORG-A and ORG-E were also related until 2022.
func chainFiles() []importer.File {
	return []importer.File{
		{Name: "countries.csv", Data: []byte("country,restrictive\nBY,yes\n")},
		{Name: "government_bodies.csv", Data: []byte("id,name,country\nGOV-1,Ministry of Order,BY\n")},
		{Name: "organizations.csv", Data: []byte("id,name,country\nORG-A,Alpha,DE\nORG-B,Beta,DE\nORG-C,Gamma,DE\nORG-D,Delta,DE\nORG-E,Epsilon,DE\nORG-S,Seller,FR\n")},
		{Name: "links.csv", Data: []byte("from,to,type,percent,valid_from,valid_to\n" +
			"GOV-1,ORG-A,owns,60,,\nORG-A,ORG-B,owns,70,,\nORG-B,ORG-C,controls,,,\nORG-C,ORG-D,owns,80,,\nORG-D,ORG-E,owns,90,,\n" +
			"ORG-A,ORG-E,related_to,,2019,2022\n")},
		{Name: "transactions.csv", Data: []byte("id,date,buyer,seller\nT-1,2024-01-01,ORG-E,ORG-S\nT-2,2023-05-01,ORG-S,ORG-E\n")},
	}
}

func TestConnectionAndEntityTransactions(t *testing.T) {
	for name, newStore := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			s := caseServer(t, newStore(t), graph.DefaultPolicy())
			if j := s.mustUpload(chainFiles(), nil); j.State != graph.JobDone {
				t.Fatalf("upload: %+v", j)
			}
			type conn struct {
				Found    bool         `json:"found"`
				Entities []graph.Ref  `json:"entities"`
				Links    []graph.Link `json:"links"`
			}
			ids := func(c conn) (out []string) {
				for _, e := range c.Entities {
					out = append(out, e.ID)
				}
				return out
			}
			var c conn
			// Without a date the ended link is the short cut; on a day after it ended, the chain.
			s.mustJSON("GET", "/api/v1/connection?from=GOV-1&to=ORG-E", nil, 200, &c)
			if !c.Found || len(c.Links) != 2 || c.Links[1].Type != graph.RelatedTo || c.Links[1].ValidTo != "2022-12-31" {
				t.Errorf("without a date: %+v", c)
			}
			s.mustJSON("GET", "/api/v1/connection?from=GOV-1&to=ORG-E&date=2024-06-01", nil, 200, &c)
			if got := ids(c); !c.Found || len(got) != 6 || got[0] != "GOV-1" || got[5] != "ORG-E" || c.Entities[0].Name != "Ministry of Order" {
				t.Errorf("on 2024-06-01: %v %+v", got, c)
			}
			s.mustJSON("GET", "/api/v1/connection?from=ORG-E&to=GOV-1&date=2024-06-01&types=owns", nil, 200, &c)
			if c.Found {
				t.Errorf("ownership only cannot pass the control link: %v", ids(c))
			}
			s.mustJSON("GET", "/api/v1/connection?from=GOV-1&to=ORG-E&date=2024-06-01&max_hops=4", nil, 200, &c)
			if c.Found || c.Entities == nil || c.Links == nil {
				t.Errorf("4 hops: %+v", c)
			}
			s.mustError("GET", "/api/v1/connection?from=GOV-1", nil, 400, "invalid")
			s.mustError("GET", "/api/v1/connection?from=GOV-1&to=NOPE", nil, 404, "not_found")
			s.mustError("GET", "/api/v1/connection?from=GOV-1&to=ORG-E&date=2024-13-01", nil, 400, "invalid")
			s.mustError("GET", "/api/v1/connection?from=GOV-1&to=ORG-E&max_hops=11", nil, 400, "invalid")
			s.mustError("GET", "/api/v1/connection?from=GOV-1&to=ORG-E&types=loves", nil, 400, "invalid")

			var tx struct {
				Total        int `json:"total"`
				Transactions []struct {
					Transaction graph.Transaction `json:"transaction"`
					Roles       []string          `json:"roles"`
					Flag        *graph.Flag       `json:"flag"`
				} `json:"transactions"`
			}
			s.mustJSON("GET", "/api/v1/entities/ORG-E/transactions", nil, 200, &tx)
			if tx.Total != 2 || len(tx.Transactions) != 2 {
				t.Fatalf("transactions of ORG-E: %+v", tx)
			}
			first, second := tx.Transactions[0], tx.Transactions[1]
			if first.Transaction.ID != "T-1" || len(first.Roles) != 1 || first.Roles[0] != "buyer" || first.Flag == nil || first.Flag.Severity == "" {
				t.Errorf("newest first, as buyer, flagged: %+v", first)
			}
			if second.Transaction.ID != "T-2" || len(second.Roles) != 1 || second.Roles[0] != "seller" {
				t.Errorf("as seller: %+v", second)
			}
			s.mustJSON("GET", "/api/v1/entities/ORG-E/transactions?limit=1", nil, 200, &tx)
			if tx.Total != 2 || len(tx.Transactions) != 1 {
				t.Errorf("limit=1: %+v", tx)
			}
			s.mustJSON("GET", "/api/v1/entities/ORG-C/transactions", nil, 200, &tx)
			if tx.Total != 0 || tx.Transactions == nil || len(tx.Transactions) != 0 {
				t.Errorf("an entity in no transaction: %+v", tx)
			}
			s.mustError("GET", "/api/v1/entities/NOPE/transactions", nil, 404, "not_found")
			s.mustError("GET", "/api/v1/entities/ORG-E/transactions?limit=0", nil, 400, "invalid")
		})
	}
}
