package api

import (
	"errors"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/importer"
)

// screenRequest is the body of POST /screen.
type screenRequest struct {
	Name    string `json:"name"`
	Country string `json:"country"` // alpha-2, alpha-3 or English name
	ID      string `json:"id"`
	Date    string `json:"date"` // YYYY-MM-DD; today when empty
	// Kind (organization, person, government_body) and Identifier are
	// match features: another kind lowers a score, an equal identifier
	// makes a match.
	Kind       string `json:"kind"`
	Identifier string `json:"identifier"`
}

// handleScreen screens a counterparty before a deal.
func handleScreen(deps Deps, m *metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req screenRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			respondErr(c, bodyError(err))
			return
		}
		q, err := screenQuery(req)
		if err != nil {
			respondErr(c, err)
			return
		}
		res, err := deps.Evaluator.Screen(c.Request.Context(), q)
		if err != nil {
			respondErr(c, err)
			return
		}
		m.screenings.WithLabelValues(string(res.Verdict)).Inc()
		entity := ""
		if res.Entity != nil {
			entity = res.Entity.ID
		}
		auditScreening(c, deps, req, res.Verdict, entity)
		respond(c, http.StatusOK, res)
	}
}

// screenQuery checks a screening request and makes it a query.
func screenQuery(req screenRequest) (exposure.ScreenQuery, error) {
	q := exposure.ScreenQuery{Name: strings.TrimSpace(req.Name), ID: strings.TrimSpace(req.ID),
		Identifier: strings.TrimSpace(req.Identifier), Kind: graph.Kind(strings.TrimSpace(req.Kind))}
	if q.Name == "" && q.ID == "" {
		return q, invalid("give a name or an entity id")
	}
	if q.Kind != "" && !q.Kind.Valid() {
		return q, invalid("kind %q: expected organization, person or government_body", req.Kind)
	}
	if req.Country != "" {
		code, err := importer.ParseCountry(req.Country)
		if err != nil {
			return q, invalid("country: %v", err)
		}
		q.Country = code
	}
	day, err := parseDay(req.Date)
	q.Date = day
	return q, err
}

// parseDay checks a YYYY-MM-DD date; empty stays empty.
func parseDay(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	return s, exposure.ValidDay(s)
}

// bodyError says what was wrong with a JSON body.
func bodyError(err error) error {
	if graph.ErrorCode(err) != graph.EINTERNAL {
		return err
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, os.ErrDeadlineExceeded) {
		return err // respondErr answers 413, or names the full disk
	}
	return graph.Errorf(graph.EINVALID, "request body is not valid JSON: %v", err)
}
