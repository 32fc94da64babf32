package importer_test

import (
	"bytes"
	"testing"

	"github.com/hopcheck/hopcheck/importer"
)

func TestSmoke(t *testing.T) {
	var buf bytes.Buffer
	must(t, importer.Template(&buf))
	u, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "template.xlsx", Data: buf.Bytes()})
	t.Log(text(rep))
	t.Logf("%+v", u)
	u, rep = mustRead(t, nil, importer.Options{}, csvFile("Distributors.csv", "Company Name,Country,Aliases", "Orion Tech LLC,China,Orion;OT", "Ada GmbH,DE,"),
		csvFile("Shareholders.csv", "Owner,Company,Share %", "Ada GmbH,Orion Tech,60%"))
	t.Log(text(rep))
	t.Logf("%+v", u)
}
