package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/importer"
)

// limitFlags are the import limits of "import" and "serve": flags whose
// defaults come from the environment, then from importer.DefaultLimits.
type limitFlags struct {
	fileBytes, unzipBytes, cellBytes byteSize
	rows, cells                      count
}

// register adds the limit flags to fs, with defaults from the environment.
func (l *limitFlags) register(fs *flag.FlagSet, getenv func(string) string) error {
	d := importer.DefaultLimits()
	l.fileBytes, l.unzipBytes, l.cellBytes, l.rows = byteSize(d.MaxFileBytes), byteSize(d.MaxUnzipBytes), byteSize(d.MaxCellBytes), count(d.MaxRows)
	l.cells = count(d.MaxCells)
	for _, v := range []struct {
		value flag.Value
		name  string
		env   string
		usage string
	}{
		{&l.fileBytes, "max-file-bytes", "HOPCHECK_MAX_FILE_BYTES", "largest `size` of one file: bytes, or with KiB, MiB or GiB"},
		{&l.unzipBytes, "max-unzip-bytes", "HOPCHECK_MAX_UNZIP_BYTES", "largest `size` of an XLSX workbook unpacked, against zip bombs"},
		{&l.rows, "max-rows", "HOPCHECK_MAX_ROWS", "most data rows (`N`) in one sheet or CSV file"},
		{&l.cellBytes, "max-cell-bytes", "HOPCHECK_MAX_CELL_BYTES", "largest `size` of one cell"},
		{&l.cells, "max-cells", "HOPCHECK_MAX_CELLS", "most cells (`N`) in one upload, all sheets together"},
	} {
		if err := setFromEnv(v.value, v.env, getenv); err != nil {
			return err
		}
		fs.Var(v.value, v.name, v.usage+" (env "+v.env+")")
	}
	return nil
}

// limits returns the importer limits the flags say.
func (l *limitFlags) limits() importer.Limits {
	return importer.Limits{MaxFileBytes: int64(l.fileBytes), MaxUnzipBytes: int64(l.unzipBytes),
		MaxCellBytes: int(l.cellBytes), MaxRows: int(l.rows), MaxCells: int(l.cells)}
}

// setFromEnv sets v from the environment variable, when it is set.
func setFromEnv(v flag.Value, env string, getenv func(string) string) error {
	s := getenv(env)
	if s == "" {
		return nil
	}
	if err := v.Set(s); err != nil {
		return fmt.Errorf("%s=%q: %v", env, s, err)
	}
	return nil
}

// byteSize is a positive number of bytes, written as 1048576, 1MiB, 512KiB or 2GiB.
type byteSize int64

var sizeUnits = []struct {
	suffix string
	n      int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

func (b *byteSize) Set(s string) error {
	num, unit := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, unit = strings.TrimSpace(n), u.n
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/unit {
		return fmt.Errorf("want a positive size such as 1048576, 512KiB, 100MiB or 2GiB")
	}
	*b = byteSize(n * unit)
	return nil
}

func (b *byteSize) String() string {
	if b == nil || *b == 0 {
		return ""
	}
	for _, u := range sizeUnits {
		if int64(*b)%u.n == 0 {
			return strconv.FormatInt(int64(*b)/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(*b), 10)
}

// count is a positive whole number.
type count int

func (c *count) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return fmt.Errorf("want a positive whole number")
	}
	*c = count(n)
	return nil
}

func (c *count) String() string {
	if c == nil {
		return ""
	}
	return strconv.Itoa(int(*c))
}
