package main

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/hopcheck/hopcheck/api"
)

// openAPIRouter finds a request's operation in api/openapi.yaml.
var openAPIRouter = sync.OnceValues(func() (routers.Router, error) {
	ctx := context.Background()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI())
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// checkAnswer fails the test when an answer of the running server is not
// what the OpenAPI document says of its route: an undocumented route or
// status, or a JSON body that does not fit the documented schema. Bodies
// of other types (XLSX, YAML, Prometheus text) are checked for their
// status and content type only.
func checkAnswer(t *testing.T, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	router, err := openAPIRouter()
	if err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return
	}
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			ExcludeResponseBody:   ctype != "application/json",
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		t.Errorf("%s %s → %d: the answer does not fit the OpenAPI document: %v\n%.600s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
}
