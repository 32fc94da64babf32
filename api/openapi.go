package api

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"
)

// openAPI documents every route; a test holds it to the routes, and the
// end-to-end tests check every answer against it.
//
//go:embed openapi.yaml
var openAPI []byte

// OpenAPI returns the OpenAPI 3 document (YAML).
func OpenAPI() []byte { return openAPI }

// openAPIJSON is the same document as JSON.
var openAPIJSON = func() []byte {
	var doc map[string]any
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		panic("api/openapi.yaml: " + err.Error()) // embedded and tested: never at run time
	}
	data, err := json.Marshal(doc)
	if err != nil {
		panic("api/openapi.yaml as JSON: " + err.Error())
	}
	return data
}()

func handleOpenAPI(asJSON bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if asJSON {
			c.Data(http.StatusOK, "application/json", openAPIJSON)
			return
		}
		c.Data(http.StatusOK, "application/yaml", openAPI)
	}
}
