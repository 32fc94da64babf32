package gen

import (
	"os"
	"path/filepath"

	"github.com/hopcheck/hopcheck/importer"
)

// ReadCSV returns the CSV files Write wrote into dir, in the order of an
// upload, ready for importer.Import.
func ReadCSV(dir string) ([]importer.File, error) {
	files := make([]importer.File, 0, len(sheets))
	for _, s := range sheets {
		data, err := os.ReadFile(filepath.Join(dir, s.name))
		if err != nil {
			return nil, err
		}
		files = append(files, importer.File{Name: s.name, Data: data})
	}
	return files, nil
}
