package importer

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/biter777/countries"
	"github.com/mozillazg/go-unidecode"
)

// ParseBool reads a restrictive flag: yes/no, true/false, y/n, 1/0, any
// case. A blank cell is unknown (nil).
func ParseBool(s string) (*bool, error) {
	t, f := true, false
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return nil, nil
	case "yes", "y", "true", "1":
		return &t, nil
	case "no", "n", "false", "0":
		return &f, nil
	}
	return nil, fmt.Errorf("%q is not yes or no (expected yes, no, true, false, 1, 0 or blank)", s)
}

// ParseAliases splits an aliases cell on ";", trims each alias and drops
// blanks and repeats.
func ParseAliases(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range strings.Split(s, ";") {
		a = strings.TrimSpace(a)
		if a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// ParsePercent reads a share in percent: "60", "60%", "60.5", "60,5 %".
// A plain number is the percent as written, so "0.6" is 0.6 percent; an
// XLSX cell formatted as a percentage reaches this function as "60%".
// Values outside 0–100 are errors. A blank cell is unknown (nil).
func ParsePercent(s string) (*float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, nil
	}
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	if strings.Count(t, ",") == 1 && !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1) // decimal comma: "60,5"
	}
	v, err := parseFloat(t)
	if err != nil {
		return nil, fmt.Errorf("%q is not a percentage (expected e.g. 60, 60%% or 60.5)", s)
	}
	if v < 0 || v > 100 {
		return nil, fmt.Errorf("percentage %q is outside 0–100", s)
	}
	return &v, nil
}

// ParseNumber reads a quantity, value or score: "1200", "1,200", "1 200",
// "1,200.50", "-3", with an optional leading currency sign ($ € £ ¥).
// Thousands separators must group three digits. A number with both a
// point and a comma has its decimals after the last of them, so
// "96.000,00" is 96000 as "96,000.00" is; a comma alone groups thousands
// ("1,20" is an error: the decimal_comma option reads it as 1.2). A blank
// cell is nil.
func ParseNumber(s string) (*float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, nil
	}
	bad := fmt.Errorf("%q is not a number", s)
	if strings.Contains(t, ",") && !strings.Contains(t, ".") {
		bad = fmt.Errorf("%q is not a number (if its comma is a decimal comma, import with the decimal_comma option)", s)
	}
	if c, p := strings.LastIndex(t, ","), strings.LastIndex(t, "."); c > p && p >= 0 {
		t = strings.NewReplacer(".", ",", ",", ".").Replace(t) // "96.000,00" → "96,000.00"
	}
	neg := false
	if strings.HasPrefix(t, "-") {
		neg, t = true, strings.TrimSpace(t[1:])
	}
	for _, sign := range []string{"$", "€", "£", "¥"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, sign))
	}
	intPart, frac, hasFrac := strings.Cut(t, ".")
	var digits strings.Builder
	var sep rune
	groups := strings.FieldsFunc(intPart, func(r rune) bool {
		if r == ',' || r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' {
			if sep == 0 {
				sep = r
			}
			return true
		}
		return false
	})
	if len(groups) == 0 {
		return nil, bad
	}
	if len(groups) > 1 {
		// "1,200,000": first group 1–3 digits, the rest exactly 3, one separator kind.
		if strings.Count(intPart, string(sep)) != len(groups)-1 || len(groups[0]) > 3 {
			return nil, bad
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return nil, bad
			}
		}
	}
	for _, g := range groups {
		digits.WriteString(g)
	}
	num := digits.String()
	if hasFrac {
		num += "." + frac
	}
	for _, r := range num {
		if (r < '0' || r > '9') && r != '.' && r != 'E' && r != 'e' && r != '+' && r != '-' {
			return nil, bad
		}
	}
	v, err := parseFloat(num)
	if err != nil {
		return nil, bad
	}
	if neg {
		v = -v
	}
	return &v, nil
}

func parseFloat(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a number")
	}
	return v, nil
}

// DateFormat is a day-month order for numeric dates that are not ISO 8601,
// such as "DD/MM/YYYY"; see ParseDateFormat.
type DateFormat struct {
	order string // "DMY", "MDY" or "YMD"
	sep   byte
	text  string
}

// String returns the format as given.
func (f DateFormat) String() string { return f.text }

// ParseDateFormat reads a date format such as DD/MM/YYYY, MM/DD/YYYY,
// DD.MM.YYYY, DD-MM-YYYY or YYYY/MM/DD (D and M may be written once).
func ParseDateFormat(s string) (DateFormat, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if t == "" {
		return DateFormat{}, nil
	}
	var sep byte
	for _, c := range []byte{'/', '.', '-', ' '} {
		if strings.IndexByte(t, c) >= 0 {
			sep = c
			break
		}
	}
	parts := strings.Split(t, string(sep))
	if sep == 0 || len(parts) != 3 {
		return DateFormat{}, fmt.Errorf("date format %q not understood (expected e.g. DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY or YYYY/MM/DD)", s)
	}
	var order strings.Builder
	for _, p := range parts {
		switch p {
		case "D", "DD":
			order.WriteByte('D')
		case "M", "MM":
			order.WriteByte('M')
		case "YYYY":
			order.WriteByte('Y')
		default:
			return DateFormat{}, fmt.Errorf("date format %q not understood (expected e.g. DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY or YYYY/MM/DD)", s)
		}
	}
	o := order.String()
	if o != "DMY" && o != "MDY" && o != "YMD" {
		return DateFormat{}, fmt.Errorf("date format %q not understood (expected day, month and a four-digit year)", s)
	}
	return DateFormat{order: o, sep: sep, text: s}, nil
}

var monthNames = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		monthNames[name] = m
		monthNames[name[:3]] = m
	}
	monthNames["sept"] = time.September
}

// ParseDate reads a date and returns it as YYYY-MM-DD. Always accepted:
// ISO 8601 (2024-03-04, 2024-03-04T10:00:00Z, 2024/03/04, 2024.03.04) and
// dates with an English month name (4 March 2024, March 4, 2024,
// 04-Mar-2024). Numeric dates whose year comes last (03/04/2024) are
// ambiguous and are errors unless format says the order; that holds even
// when the day is above 12, so that a file is read one way throughout.
// A blank cell is "".
func ParseDate(s string, format DateFormat) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	if len(t) > 64 {
		return "", fmt.Errorf("%q is not a date", s)
	}
	// ISO 8601 date or date-time: keep the date part.
	if len(t) >= 10 && t[4] == '-' && t[7] == '-' {
		date, rest := t[:10], t[10:]
		if rest == "" || rest[0] == 'T' || rest[0] == ' ' {
			if d, ok := ymd(date[:4], date[5:7], date[8:10]); ok && validTimeRest(rest) {
				return d, nil
			}
		}
		return "", fmt.Errorf("%q is not a valid date (expected YYYY-MM-DD)", s)
	}
	if d, ok := namedMonthDate(t); ok {
		return d, nil
	}
	for _, sep := range []string{"/", ".", "-"} {
		parts := strings.Split(t, sep)
		if len(parts) != 3 || !allDigits(parts) {
			continue
		}
		if len(parts[0]) == 4 { // year first is never ambiguous
			if d, ok := ymd(parts[0], parts[1], parts[2]); ok {
				return d, nil
			}
			return "", fmt.Errorf("%q is not a valid date", s)
		}
		if len(parts[2]) != 4 {
			return "", fmt.Errorf("%q has no four-digit year; write dates as YYYY-MM-DD", s)
		}
		switch format.order {
		case "DMY":
			if d, ok := ymd(parts[2], parts[1], parts[0]); ok {
				return d, nil
			}
			return "", fmt.Errorf("%q is not a valid date in the format %s", s, format.text)
		case "MDY":
			if d, ok := ymd(parts[2], parts[0], parts[1]); ok {
				return d, nil
			}
			return "", fmt.Errorf("%q is not a valid date in the format %s", s, format.text)
		case "YMD":
			return "", fmt.Errorf("%q does not match the date format %s", s, format.text)
		}
		return "", fmt.Errorf("ambiguous date %q: give the date format at upload (DD%sMM%sYYYY or MM%sDD%sYYYY) or write it as YYYY-MM-DD", s, sep, sep, sep, sep)
	}
	return "", fmt.Errorf("%q is not a date (expected YYYY-MM-DD)", s)
}

func validTimeRest(rest string) bool {
	if rest == "" {
		return true
	}
	rest = rest[1:]
	for _, r := range rest {
		if !(r >= '0' && r <= '9') && !strings.ContainsRune(":.,+-Z ", r) {
			return false
		}
	}
	return true
}

func allDigits(parts []string) bool {
	for _, p := range parts {
		if p == "" || len(p) > 4 {
			return false
		}
		for _, r := range p {
			if r < '0' || r > '9' {
				return false
			}
		}
	}
	return true
}

func ymd(y, m, d string) (string, bool) {
	yy, err1 := strconv.Atoi(y)
	mm, err2 := strconv.Atoi(m)
	dd, err3 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || err3 != nil || len(y) != 4 || len(m) > 2 || len(d) > 2 {
		return "", false
	}
	if yy < 1000 || mm < 1 || mm > 12 || dd < 1 || dd > 31 {
		return "", false
	}
	tm := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if tm.Day() != dd {
		return "", false // 31 April
	}
	return tm.Format("2006-01-02"), true
}

// namedMonthDate reads "4 March 2024", "March 4, 2024", "04-Mar-2024".
func namedMonthDate(s string) (string, bool) {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == '-' || r == '/' || r == '.'
	})
	if len(words) != 3 {
		return "", false
	}
	var day, year string
	var month time.Month
	switch {
	case monthNames[words[1]] != 0:
		day, month, year = words[0], monthNames[words[1]], words[2]
	case monthNames[words[0]] != 0:
		month, day, year = monthNames[words[0]], words[1], words[2]
	default:
		return "", false
	}
	return ymd(year, strconv.Itoa(int(month)), day)
}

// countryVariants are names the countries library does not know.
var countryVariants = map[string]string{
	"TURKIYE": "TR", "THENETHERLANDS": "NL", "DPRK": "KP", "PRC": "CN", "MAINLANDCHINA": "CN",
	"PEOPLESREPUBLICOFCHINA": "CN", "DRC": "CD", "DRCONGO": "CD", "KYRGYZREPUBLIC": "KG",
	"THEGAMBIA": "GM", "SLOVAKREPUBLIC": "SK", "LAOPDR": "LA", "THEBAHAMAS": "BS",
	"REPUBLICOFTHECONGO": "CG", "CONGOBRAZZAVILLE": "CG", "CONGOKINSHASA": "CD",
	"DEMOCRATICREPUBLICOFCONGO": "CD", "DEMOCRATICREPUBLICOFTHECONGO": "CD",
	"UNITEDSTATESOFAMERICA": "US", "THEUNITEDSTATES": "US", "THEUNITEDKINGDOM": "GB",
	"RUSSIA": "RU", "SOUTHKOREA": "KR", "NORTHKOREA": "KP", "UAE": "AE", "UK": "GB",
	"VIETNAM": "VN", "IRAN": "IR", "SYRIA": "SY", "BRITAIN": "GB", "UNITEDSTATES": "US",
}

// ParseCountry reads a country given as an ISO 3166-1 alpha-2 or alpha-3
// code or an English name ("Russia", "UAE", "Viet Nam", "Türkiye") and
// returns its alpha-2 code. A blank cell is "".
func ParseCountry(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	key := countryKey(t)
	if code, ok := countryVariants[key]; ok {
		return code, nil
	}
	c := countries.ByName(t)
	if !c.IsValid() && key != countryKey(t) {
		c = countries.ByName(key)
	}
	if c.IsValid() {
		// Two- and three-letter inputs must be the ISO codes themselves,
		// not the library's other abbreviations (licence plates, IOC codes).
		switch len(key) {
		case 2:
			if c.Alpha2() != key {
				return "", unknownCountry(s)
			}
		case 3:
			if c.Alpha3() != key {
				return "", unknownCountry(s)
			}
		}
		return c.Alpha2(), nil
	}
	return "", unknownCountry(s)
}

func unknownCountry(s string) error {
	return fmt.Errorf("unknown country %q (expected an ISO code such as CN or CHN, or an English name)", s)
}

// countryKey is the country name in upper-case ASCII letters only.
func countryKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(unidecode.Unidecode(s)) {
		if r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CountryName returns the English name of an alpha-2 code.
func CountryName(code string) string {
	c := countries.ByName(code)
	if !c.IsValid() {
		return code
	}
	return c.String()
}
