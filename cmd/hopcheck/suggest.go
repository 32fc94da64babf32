package main

import "sort"

// didYouMean returns the commands a mistyped one is closest to: within
// two edits, or starting with it; nearest first, then by name.
func didYouMean(name string) []string {
	type cand struct {
		cmd string
		d   int
	}
	var cs []cand
	for c := range commands {
		d := editDistance(name, c)
		if len(name) >= 2 && len(name) < len(c) && c[:len(name)] == name {
			d = min(d, 1)
		}
		if d <= 2 && d < len(c) {
			cs = append(cs, cand{c, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].cmd < cs[j].cmd
	})
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.cmd
	}
	return out
}

// editDistance is the Damerau–Levenshtein distance (adjacent swaps count
// one) between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
