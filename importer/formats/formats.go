// Package formats lists the readers of public data formats, each in its own
// package, that turn a source's own files into the upload the spreadsheet
// importer builds: the OFAC SDN list (ofac), FollowTheMoney entities (ftm),
// Beneficial Ownership Data Standard statements (bods), the US
// Consolidated Screening List (csl), the EU Official Journal sanctions
// (eujournal), OpenSanctions' source files of the BIS MIEU list, DoD
// 1260H, the FCC Covered List and Section 889 (opensanctions), the BIS
// Denied Persons List (dpl), Freedom in the World (fiw) and the
// Surveillance Industry Index's companies, sales and transfers (sii). The CSV
// readers share their record loop (csvrec).
package formats

import (
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/bods"
	"github.com/hopcheck/hopcheck/importer/formats/csl"
	"github.com/hopcheck/hopcheck/importer/formats/dpl"
	"github.com/hopcheck/hopcheck/importer/formats/eujournal"
	"github.com/hopcheck/hopcheck/importer/formats/fiw"
	"github.com/hopcheck/hopcheck/importer/formats/ftm"
	"github.com/hopcheck/hopcheck/importer/formats/ofac"
	"github.com/hopcheck/hopcheck/importer/formats/opensanctions"
	"github.com/hopcheck/hopcheck/importer/formats/sii"
)

// All returns every format reader, in the order they are tried.
func All() []importer.Format {
	all := []importer.Format{ofac.Format{}, csl.Format{}, eujournal.Format{}, ftm.Format{}, bods.Format{}, dpl.Format{}, fiw.Format{}}
	all = append(all, opensanctions.Formats()...)
	return append(all, sii.Formats()...)
}
