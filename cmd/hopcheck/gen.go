package main

import (
	"context"
	"fmt"

	"github.com/hopcheck/hopcheck/gen"
)

func cmdGen(ctx context.Context, e *env, args []string) error {
	fs := e.flags("gen", "")
	var cfg gen.Config
	fs.IntVar(&cfg.Entities, "scale", 10000, "number of entities (links are about three times as many)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed: the same seed writes the same files")
	fs.BoolVar(&cfg.XLSX, "xlsx", false, "also write the same rows as one workbook, hopcheck.xlsx (up to about 300,000 entities: a sheet holds 1,048,576 rows)")
	dir := fs.String("o", "", "directory to write the CSV files to (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		fs.Usage()
		return fmt.Errorf("-o DIR is required: %w", errUsage)
	}
	c, err := gen.Write(*dir, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %d rows to %s: %d organizations, %d persons, %d government bodies, %d countries, %d links, %d transactions\n",
		c.Rows(), *dir, c.Organizations, c.Persons, c.GovernmentBodies, c.Countries, c.Links, c.Transactions)
	return nil
}
