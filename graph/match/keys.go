package match

import "strings"

// Retrieval keys: what a store indexes for each entity so that a query
// finds its candidates without an exact shared word. A key is a word of a
// name, or a word with a prefix that no word has ("_" does not occur in
// words): p_ a word's phonetic key, c_ the name's words written together,
// i_ its initials.
const (
	phoneticKey = "p_"
	joinedKey   = "c_"
	initialsKey = "i_"
)

// Keys returns the retrieval keys of an entity's names, each once.
func Keys(names []string) []string {
	seen := map[string]bool{}
	var keys []string
	add := func(k string) {
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, stated := range names {
		for _, x := range Expand(stated) {
			n := Parse(x)
			for i, w := range n.Words {
				add(w)
				if n.Phonetic[i] != "" {
					add(phoneticKey + strings.ToLower(n.Phonetic[i]))
				}
			}
			add(joinedKey + n.Joined)
			if n.Initials != "" {
				add(initialsKey + n.Initials)
			}
		}
	}
	return keys
}

// Term is a retrieval key of a query with the weight it has in ranking
// candidates, and whether a store may look for keys a typo away (fuzzy).
type Term struct {
	Key    string
	Weight float64
	Fuzzy  bool
	// Word is set when the key is a word of the query: its document
	// frequency weighs it in scoring.
	Word bool
	// Prefix is set on the last word of a search as you type: keys that
	// start with it count.
	Prefix bool
}

// PrefixTerm is the term of a search as you type: the last word of the
// name, to be found as the start of a word; ok is false for none.
func PrefixTerm(name string) (Term, bool) {
	n := Parse(name)
	if len(n.Words) == 0 || len(n.Words[len(n.Words)-1]) < 2 {
		return Term{}, false
	}
	w := n.Words[len(n.Words)-1]
	return Term{Key: w, Weight: 0.8 * weightOf(w), Prefix: true}, true
}

// Terms returns the retrieval terms of a query name.
func Terms(name string) []Term {
	seen := map[string]bool{}
	var ts []Term
	add := func(t Term) {
		if t.Key != "" && t.Key != phoneticKey && !seen[t.Key] {
			seen[t.Key] = true
			ts = append(ts, t)
		}
	}
	for _, x := range Expand(name) {
		n := Parse(x)
		for i, w := range n.Words {
			add(Term{Key: w, Weight: weightOf(w), Fuzzy: len(w) >= 4 && !hasDigit(w), Word: true})
			if n.Phonetic[i] != "" {
				add(Term{Key: phoneticKey + strings.ToLower(n.Phonetic[i]), Weight: 0.6 * weightOf(w)})
			}
		}
		add(Term{Key: joinedKey + n.Joined, Weight: 1, Fuzzy: len(n.Joined) >= 5})
		if len(n.Words) == 1 && len(n.Joined) >= 2 && len(n.Joined) <= 8 {
			// One word may be an acronym of a name.
			add(Term{Key: initialsKey + n.Joined, Weight: 0.8})
		}
		if n.Initials != "" {
			add(Term{Key: n.Initials, Weight: 0.5})
		}
	}
	return ts
}
