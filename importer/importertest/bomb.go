package importertest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
)

// deflated compresses p as a run of non-final deflate blocks that refer to
// nothing before them, so that copies can be concatenated into one stream.
func deflated(p []byte, final bool) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	_, _ = w.Write(p)
	if final {
		_ = w.Close()
	} else {
		_ = w.Flush()
	}
	return b.Bytes()
}

// ZipBomb returns a workbook of about 1 KiB per MiB of sheet XML: its
// first sheet holds a header and then mib MiB of spaces. When lie is true
// the zip directory claims the sheet is 4 KiB, as a hostile file would, so
// only reading it finds out.
func ZipBomb(mib int, lie bool) []byte {
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="` + nsMain + `"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>`)
	tail := []byte(`</sheetData></worksheet>`)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	chunkZ := deflated(chunk, false)

	var stream bytes.Buffer
	stream.Write(deflated(head, false))
	crc := crc32.ChecksumIEEE(head)
	chunkCRC := func(c uint32) uint32 { return crc32.Update(c, crc32.IEEETable, chunk) }
	for i := 0; i < mib; i++ {
		stream.Write(chunkZ)
		crc = chunkCRC(crc)
	}
	stream.Write(deflated(tail, true))
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	size := uint64(len(head) + len(tail) + mib<<20)
	if lie {
		size = 4096
	}

	// The other parts come from an ordinary one-sheet workbook.
	base := Workbook(Sheet{Name: "Companies", Rows: [][]Cell{Strs("name"), Strs("Orion")}})
	zr, _ := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc,
				CompressedSize64: uint64(stream.Len()), UncompressedSize64: size})
			_, _ = w.Write(stream.Bytes())
			continue
		}
		w, _ := zw.CreateRaw(&f.FileHeader)
		raw, _ := f.OpenRaw()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(raw)
		_, _ = w.Write(buf.Bytes())
	}
	_ = zw.Close()
	return out.Bytes()
}

// SharedStringsBomb returns a workbook whose shared strings hold a header
// and then mib MiB of the item (an <si> element), repeated: a small file
// that excelize, which decodes the shared strings whole at about 200
// bytes a string, would blow up to many times its unpacked size. The
// sheet uses the first string as its header.
func SharedStringsBomb(mib int, item string) []byte {
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="` + nsMain + `"><si><t>name</t></si>`)
	tail := []byte(`</sst>`)
	chunk := bytes.Repeat([]byte(item), (1<<20)/len(item))
	chunkZ := deflated(chunk, false)
	var stream bytes.Buffer
	stream.Write(deflated(head, false))
	crc := crc32.ChecksumIEEE(head)
	for i := 0; i < mib; i++ {
		stream.Write(chunkZ)
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	stream.Write(deflated(tail, true))
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	size := uint64(len(head) + len(tail) + mib*len(chunk))

	sheet := []byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="` + nsMain + `"><sheetData>` +
		`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>`)
	base := Workbook(Sheet{Name: "Companies", Rows: [][]Cell{Strs("name"), Strs("Orion")}})
	zr, _ := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		switch f.Name {
		case "xl/worksheets/sheet1.xml":
			w, _ := zw.Create(f.Name)
			_, _ = w.Write(sheet)
			continue
		case "xl/sharedStrings.xml":
			continue
		}
		w, _ := zw.CreateRaw(&f.FileHeader)
		raw, _ := f.OpenRaw()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(raw)
		_, _ = w.Write(buf.Bytes())
	}
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/sharedStrings.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(stream.Len()), UncompressedSize64: size})
	_, _ = w.Write(stream.Bytes())
	_ = zw.Close()
	return out.Bytes()
}

// WideCSV returns an organizations CSV whose header has cols columns (name
// and then unnamed ones) and one data row.
func WideCSV(cols int) []byte {
	var b bytes.Buffer
	b.WriteString("name")
	b.Write(bytes.Repeat([]byte(",x"), cols-1))
	b.WriteString("\nOrion\n")
	return b.Bytes()
}
