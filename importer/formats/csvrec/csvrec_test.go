package csvrec_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csvrec"
)

type seen struct {
	Line int
	Name string
}

func each(t *testing.T, data string, opts csvrec.Options) ([]seen, error) {
	t.Helper()
	var got []seen
	err := csvrec.Each(context.Background(), "f.csv", []byte(data), opts, func(r csvrec.Record) error {
		got = append(got, seen{r.Line, r.Get("Name")})
		return nil
	})
	return got, err
}

func TestEachLinesAndHeader(t *testing.T) {
	got, err := each(t, "\xef\xbb\xbfid, NAME ,note\n1,Orion,\"two\nlines\"\n2, Vega ,x\n", csvrec.Options{Header: true})
	if err != nil {
		t.Fatal(err)
	}
	// The second record starts on line 4: the first spans lines 2 and 3.
	if want := []seen{{2, "Orion"}, {4, "Vega"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestEachCutOff(t *testing.T) {
	for name, data := range map[string]string{
		"inside a quoted field": "id,name,note\n1,Orion,ok\n2,Vega,\"the note goes o",
		"between fields":        "id,name,note\n1,Orion,ok\n2,Vega",
		"inside the last field": "id,name,note\n1,Orion,ok\n2,Vega,\"cut",
	} {
		t.Run(name, func(t *testing.T) {
			got, err := each(t, data, csvrec.Options{Header: true})
			var is importer.Issue
			if !errors.As(err, &is) || is.File != "f.csv" || is.Row != 3 {
				t.Fatalf("err %v: want an issue naming f.csv line 3", err)
			}
			if len(got) != 1 {
				t.Errorf("records %v: the cut record must not be read", got)
			}
		})
	}
	// Whole records without a final newline are not cut off.
	if got, err := each(t, "id,name,note\n1,Orion,\"ok\"", csvrec.Options{Header: true}); err != nil || len(got) != 1 {
		t.Errorf("%v %v", got, err)
	}
	if got, err := each(t, "1,Orion", csvrec.Options{}); err != nil || len(got) != 1 {
		t.Errorf("without a header: %v %v", got, err)
	}
}

func TestEachWidth(t *testing.T) {
	_, err := each(t, "id,name,note\n1,Orion,ok\n2,Vega\n3,Lyra,ok\n", csvrec.Options{Header: true})
	var is importer.Issue
	if !errors.As(err, &is) || is.Row != 3 {
		t.Fatalf("err %v: want an issue at line 3", err)
	}
}

func TestRecordIssue(t *testing.T) {
	var is importer.Issue
	_ = csvrec.Each(context.Background(), "f.csv", []byte("id,name\n1,\n"), csvrec.Options{Header: true}, func(r csvrec.Record) error {
		is = r.Issue("NAME", "no name")
		return nil
	})
	if want := (importer.Issue{File: "f.csv", Row: 2, Column: "B", Header: "name", Message: "no name"}); !reflect.DeepEqual(is, want) {
		t.Errorf("got %+v, want %+v", is, want)
	}
}

func TestEachStopsAtFnError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := csvrec.Each(context.Background(), "f.csv", []byte("a\n1\n2\n"), csvrec.Options{Header: true}, func(csvrec.Record) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d records", err, n)
	}
}

func FuzzEach(f *testing.F) {
	f.Add([]byte("id,name,note\n1,Orion,\"two\nlines\"\n2,Vega,\"cut"), true)
	f.Add([]byte("1,Orion\n2,Vega"), false)
	f.Fuzz(func(t *testing.T, data []byte, header bool) {
		last := 0
		err := csvrec.Each(context.Background(), "f.csv", data, csvrec.Options{Header: header}, func(r csvrec.Record) error {
			if r.Line <= last {
				t.Fatalf("record at line %d after line %d", r.Line, last)
			}
			last = r.Line
			if header && len(r.Fields) != len(r.Header.Names()) {
				t.Fatalf("record of %d fields under a header of %d", len(r.Fields), len(r.Header.Names()))
			}
			return nil
		})
		var is importer.Issue
		if err != nil && (!errors.As(err, &is) || is.File != "f.csv") {
			t.Fatalf("error %v does not name the file", err)
		}
	})
}
