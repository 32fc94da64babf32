package importer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParsePartialDate reads a date that may be partial: a year (1989, or an
// Excel number 1989.0) or a year and month (2021-03, 2021/03, March 2021),
// kept at that precision as YYYY or YYYY-MM; any other date as ParseDate
// reads it, as YYYY-MM-DD.
func ParsePartialDate(s string, format DateFormat) (string, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), ".0")
	if len(t) == 4 && allDigits([]string{t}) {
		if y, _ := strconv.Atoi(t); y >= 1000 {
			return t, nil
		}
		return "", fmt.Errorf("%q is not a year", s)
	}
	if len(t) == 7 && (t[4] == '-' || t[4] == '/') && allDigits([]string{t[:4], t[5:]}) {
		if d, ok := ymd(t[:4], t[5:], "01"); ok {
			return d[:7], nil
		}
		return "", fmt.Errorf("%q is not a valid month (expected YYYY-MM)", s)
	}
	if words := strings.Fields(strings.ReplaceAll(t, ",", " ")); len(words) == 2 && len(words[1]) == 4 {
		if d, ok := namedMonthDate("1 " + words[0] + " " + words[1]); ok {
			return d[:7], nil
		}
	}
	return ParseDate(s, format)
}

// StartOf is the first day of a partial date (SPEC §2: as a start, a year
// or month means its first day); a full date is itself.
func StartOf(d string) string {
	switch len(d) {
	case 4:
		return d + "-01-01"
	case 7:
		return d + "-01"
	}
	return d
}

// EndOf is the last day of a partial date; a full date is itself.
func EndOf(d string) string {
	switch len(d) {
	case 4:
		return d + "-12-31"
	case 7:
		t, err := time.Parse("2006-01", d)
		if err != nil {
			return d
		}
		return t.AddDate(0, 1, -1).Format("2006-01-02")
	}
	return d
}
