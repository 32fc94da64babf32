package importertest

import (
	"fmt"
	"strings"

	"github.com/hopcheck/hopcheck/importer"
)

// CheckReport says what is wrong with a report for the case, or nil: a
// Rejected case must list an error with Want at At, a Warned case a
// warning, and the others no error at all.
func CheckReport(c Case, rep *importer.Report) error {
	var b strings.Builder
	_ = rep.WriteText(&b)
	switch c.Outcome {
	case Rejected:
		if !rep.Rejected {
			return fmt.Errorf("not rejected:\n%s", b.String())
		}
		if !hasIssue(rep.Errors, c) {
			return fmt.Errorf("no error with %q at %s:\n%s", c.Want, where(c.At), b.String())
		}
	case Warned:
		if rep.Rejected {
			return fmt.Errorf("rejected, want a warning:\n%s", b.String())
		}
		if !hasIssue(rep.Warnings, c) {
			return fmt.Errorf("no warning with %q at %s:\n%s", c.Want, where(c.At), b.String())
		}
	default:
		if rep.Rejected {
			return fmt.Errorf("rejected, want accepted:\n%s", b.String())
		}
	}
	return nil
}

func hasIssue(is []importer.Issue, c Case) bool {
	for _, i := range is {
		if strings.Contains(i.Message, c.Want) && located(i, c.At) {
			return true
		}
	}
	return false
}

func located(i, at importer.Issue) bool {
	return (at.File == "" || i.File == at.File) && (at.Sheet == "" || i.Sheet == at.Sheet) &&
		(at.Row == 0 || i.Row == at.Row) && (at.Column == "" || i.Column == at.Column)
}

func where(at importer.Issue) string {
	at.Message = "…"
	return at.String()
}
