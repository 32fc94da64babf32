// Package apitest holds what tests of the HTTP API share: the table of
// who may call each route, which api's own tests check against the routes
// and the end-to-end tests check against the running server.
package apitest

import "github.com/hopcheck/hopcheck/api"

// Access lists who may call each route; Public routes need no key. A
// route missing here fails api's tests, so every new route is decided.
var Access = map[string][]api.Role{
	"GET /healthz":                          nil,
	"GET /readyz":                           nil,
	"GET /api/v1/openapi.json":              nil,
	"GET /api/v1/openapi.yaml":              nil,
	"GET /metrics":                          {api.Viewer, api.Investigator, api.Admin},
	"POST /api/v1/screen":                   {api.Screening, api.Investigator, api.Admin},
	"POST /api/v1/screen/batch":             {api.Screening, api.Investigator, api.Admin},
	"GET /api/v1/entities":                  {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/entities/:id":              {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/entities/:id/neighborhood": {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/entities/:id/exposure":     {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/entities/:id/cluster":      {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/identity/decisions":        {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/identity/decisions.csv":    {api.Viewer, api.Investigator, api.Admin},
	"POST /api/v1/identity/decisions":       {api.Investigator, api.Admin},
	"DELETE /api/v1/identity/decisions":     {api.Investigator, api.Admin},
	"GET /api/v1/transactions/:id":          {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/flags":                     {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/flags.xlsx":                {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/flags.csv":                 {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/entities/:id/history":      {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/entities/:id/transactions": {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/connection":                {api.Viewer, api.Investigator, api.Admin},
	"POST /api/v1/flags/review":             {api.Investigator, api.Admin},
	"POST /api/v1/flags/:id/comments":       {api.Investigator, api.Admin},
	"PUT /api/v1/flags/:id/assignee":        {api.Investigator, api.Admin},
	"GET /api/v1/flags/:id":                 {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/flags/:id/report":          {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/flags/reports.zip":         {api.Viewer, api.Investigator, api.Admin},
	"PATCH /api/v1/flags/:id":               {api.Investigator, api.Admin},
	"GET /api/v1/stats":                     {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/template.xlsx":             {api.Viewer, api.Investigator, api.Admin},
	"POST /api/v1/uploads":                  {api.Investigator, api.Admin},
	"GET /api/v1/uploads":                   {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/uploads/:id":               {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/mappings":                  {api.Viewer, api.Investigator, api.Admin},
	"PUT /api/v1/mappings/:name":            {api.Investigator, api.Admin},
	"GET /api/v1/identity/candidates":       {api.Viewer, api.Investigator, api.Admin},
	"POST /api/v1/identity/xref":            {api.Investigator, api.Admin},
	"GET /api/v1/identity/xref":             {api.Viewer, api.Investigator, api.Admin},
	"GET /api/v1/audit":                     {api.Admin},
	"GET /api/v1/keys":                      {api.Admin},
	"GET /api/v1/backup":                    {api.Admin},
}

// Public routes answer without a key.
var Public = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /api/v1/openapi.json": true, "GET /api/v1/openapi.yaml": true}
