package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/xref"
)

func main() {
	s, err := memstore.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	f, _ := os.Create(os.Args[2])
	pprof.StartCPUProfile(f)
	r, err := xref.Run(context.Background(), s, xref.Options{})
	pprof.StopCPUProfile()
	fmt.Println(r.Counts, err)
}
