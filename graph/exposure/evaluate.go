package exposure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// Evaluator applies the rules to stored transactions and counterparties.
type Evaluator struct {
	store  graph.Store
	policy graph.Policy
	now    func() time.Time
	// flags is held by Refresh and Review, which read flags, change them
	// and save them: one at a time, so that neither saves over the other
	// (a review lost to a refresh that read the flag before it).
	flags sync.Mutex
}

// NewEvaluator returns an evaluator over the store with the policy; now
// gives the clock used for screening without a date and for history.
func NewEvaluator(s graph.Store, p graph.Policy, now func() time.Time) *Evaluator {
	return &Evaluator{store: s, policy: p, now: now}
}

// Policy returns the policy the evaluator applies.
func (e *Evaluator) Policy() graph.Policy { return e.policy }

// reachBatch bounds the queries sent to the store in one call.
const reachBatch = 500

// Assess assesses transactions; the i-th assessment is the i-th transaction's.
func (e *Evaluator) Assess(ctx context.Context, txs []graph.Transaction) ([]graph.Assessment, error) {
	as, err := e.assess(ctx, txs)
	out := make([]graph.Assessment, len(as))
	for i, a := range as {
		out[i] = a.Assessment
	}
	return out, err
}

// assessed is an assessment with the buyer and the declared end-user as
// the store knows them.
type assessed struct {
	graph.Assessment
	buyer   graph.Ref
	endUser *graph.Ref
}

func (e *Evaluator) assess(ctx context.Context, txs []graph.Transaction) ([]assessed, error) {
	countries, err := e.countries(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]assessed, 0, len(txs))
	for lo := 0; lo < len(txs); lo += reachBatch {
		chunk := txs[lo:min(lo+reachBatch, len(txs))]
		var qs []graph.ReachQuery
		for _, t := range chunk {
			qs = append(qs, graph.ReachQuery{Start: t.Buyer, On: t.Date})
			if t.EndUser != "" && t.EndUser != t.Buyer {
				qs = append(qs, graph.ReachQuery{Start: t.EndUser, On: t.Date})
			}
		}
		rs, err := e.store.Reach(ctx, qs, e.policy)
		if err != nil {
			return nil, err
		}
		i := 0
		for _, t := range chunk {
			starts := []Start{{Role: "buyer", Reach: rs[i]}}
			i++
			var endUser *graph.Ref
			if t.EndUser != "" && t.EndUser != t.Buyer {
				starts = append(starts, Start{Role: "declared end-user", Reach: rs[i]})
				endUser = &rs[i].Start
				i++
			} else if t.EndUser != "" {
				endUser = &starts[0].Reach.Start
			}
			var ship *graph.Country
			if c, ok := countries[t.ShipTo]; ok {
				ship = &c
			}
			out = append(out, assessed{Assess(starts, ship, t.Date, e.policy), starts[0].Reach.Start, endUser})
		}
	}
	return out, nil
}

func (e *Evaluator) countries(ctx context.Context) (map[string]graph.Country, error) {
	cs, err := e.store.Countries(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]graph.Country, len(cs))
	for _, c := range cs {
		m[c.Code] = c
	}
	return m, nil
}

// Warm runs the path search once for no entity, so that a store that
// plans its queries (Neo4j) has the policy's plan before the first
// screening needs it.
func (e *Evaluator) Warm(ctx context.Context) error {
	_, err := e.store.Reach(ctx, []graph.ReachQuery{{Start: "", On: graph.Today(e.now())}}, e.policy)
	return err
}

// Entity assesses one entity as a counterparty on day (today when empty).
func (e *Evaluator) Entity(ctx context.Context, id, day string) (graph.Assessment, error) {
	if day == "" {
		day = graph.Today(e.now())
	}
	if _, err := e.store.Entity(ctx, id); err != nil {
		return graph.Assessment{}, err
	}
	rs, err := e.store.Reach(ctx, []graph.ReachQuery{{Start: id, On: day}}, e.policy)
	if err != nil {
		return graph.Assessment{}, err
	}
	return Assess([]Start{{Role: "counterparty", Reach: rs[0]}}, nil, day, e.policy), nil
}

// RefreshResult counts what a refresh did.
type RefreshResult struct {
	Evaluated int `json:"evaluated"`
	Flagged   int `json:"flagged"`
	Reopened  int `json:"reopened"`
}

// Refresh re-evaluates every stored transaction and saves its flag.
// Transactions that are clear and never were flagged store nothing. A
// flag whose assessment changed is saved with it, its evaluated_at and
// the upload that changed it; when only provenance changed (the same
// facts restated by another file) the flag keeps its status, and when the
// evidence changed after review it reopens with a history entry saying
// what changed (old → new, and the row stating the new value). cause,
// when not empty, names the change of the graph that made it ("identity
// decision a = b by alice"); the history says "reopened: cause: evidence
// changed (was high, now critical): …".
func (e *Evaluator) Refresh(ctx context.Context, cause string) (RefreshResult, error) {
	e.flags.Lock()
	defer e.flags.Unlock()
	var res RefreshResult
	txs, err := e.store.Transactions(ctx, nil)
	if err != nil {
		return res, err
	}
	as, err := e.assess(ctx, txs)
	if err != nil {
		return res, err
	}
	stored, _, err := e.store.Flags(ctx, graph.FlagFilter{All: true})
	if err != nil {
		return res, err
	}
	old := make(map[string]graph.Flag, len(stored))
	for _, f := range stored {
		old[f.TransactionID] = f
	}
	now := e.now().UTC()
	sellers := map[string]*graph.Ref{}
	var save []graph.Flag
	for i, t := range txs {
		a := as[i]
		res.Evaluated++
		if a.Severity != graph.None {
			res.Flagged++
		}
		prev, exists := old[t.ID]
		if !exists && a.Severity == graph.None {
			continue
		}
		f := graph.Flag{TransactionID: t.ID, Assessment: a.Assessment, Status: graph.Open, Date: t.Date,
			Buyer: a.buyer, Country: a.buyer.Country, Evidence: Fingerprint(a.Assessment), EvaluatedAt: now,
			EvidenceUpload: uploadOf(graph.Assessment{}, a.Assessment)}
		if err := e.describe(ctx, &f, t, a.endUser, sellers); err != nil {
			return res, err
		}
		if exists {
			same := reflect.DeepEqual(prev.Assessment, f.Assessment)
			if prev.Evidence == f.Evidence && prev.Buyer == f.Buyer && prev.Date == f.Date && same && sameListing(prev, f) {
				continue
			}
			f.Status, f.Reviewer, f.Note, f.History = prev.Status, prev.Reviewer, prev.Note, prev.History
			f.Assignee, f.PendingClear = prev.Assignee, prev.PendingClear
			if same {
				f.EvaluatedAt, f.EvidenceUpload = prev.EvaluatedAt, prev.EvidenceUpload
			} else if u := uploadOf(prev.Assessment, f.Assessment); u != "" {
				f.EvidenceUpload = u
			} else {
				f.EvidenceUpload = prev.EvidenceUpload
			}
			if prev.Evidence != f.Evidence {
				changes, err := e.changes(ctx, prev.Assessment, f.Assessment)
				if err != nil {
					return res, err
				}
				if prev.Status != graph.Open || prev.PendingClear != nil {
					f.Status, f.PendingClear = graph.Open, nil
					f.History = append(f.History, reopenEntry(now, changes, cause, prev.Severity, a.Severity))
					res.Reopened++
				}
			}
		}
		save = append(save, f)
	}
	return res, e.store.SaveFlags(ctx, save)
}

// describe copies onto a flag what a flag list shows of its transaction:
// the seller and declared end-user as the store knows them, the product,
// the capability and its categories, and the value. sellers caches the
// sellers looked up during one refresh.
func (e *Evaluator) describe(ctx context.Context, f *graph.Flag, t graph.Transaction, endUser *graph.Ref, sellers map[string]*graph.Ref) error {
	f.EndUser, f.Product, f.Capability, f.Value, f.Currency = endUser, t.Product, t.Capability, t.Value, t.Currency
	f.Capabilities = graph.Capabilities(t.Capability)
	if t.Seller == "" {
		return nil
	}
	r, ok := sellers[t.Seller]
	if !ok {
		ent, err := e.store.Entity(ctx, t.Seller)
		switch {
		case err == nil:
			ref := ent.Ref()
			r = &ref
		case graph.ErrorCode(err) == graph.ENOTFOUND:
			r = &graph.Ref{ID: t.Seller}
		default:
			return err
		}
		sellers[t.Seller] = r
	}
	f.Seller = r
	return nil
}

// sameListing reports whether two flags describe their transaction alike.
func sameListing(a, b graph.Flag) bool {
	return reflect.DeepEqual(a.Seller, b.Seller) && reflect.DeepEqual(a.EndUser, b.EndUser) && a.Product == b.Product &&
		a.Capability == b.Capability && reflect.DeepEqual(a.Capabilities, b.Capabilities) &&
		reflect.DeepEqual(a.Value, b.Value) && a.Currency == b.Currency
}

// reopenEntry is the history entry of a flag reopened by new evidence:
// what changed, structured and in words, after the caller's reason for
// re-evaluating when it gives one (an identity decision, say).
func reopenEntry(at time.Time, changes []graph.EvidenceChange, cause string, was, now graph.Severity) graph.HistoryEntry {
	note := fmt.Sprintf("reopened: evidence changed (was %s, now %s): %s", was, now, Summary(changes))
	if cause != "" {
		note = fmt.Sprintf("reopened: %s: evidence changed (was %s, now %s): %s", cause, was, now, Summary(changes))
	}
	return graph.HistoryEntry{At: at, By: "hopcheck", Action: graph.ActionReopen, Status: graph.Open, Note: note, Changes: changes}
}

// Fingerprint identifies the evidence of an assessment: severity, the
// paths and the links along them, and effective ownership. It leaves out
// provenance, so restating the same facts in a later upload changes nothing.
func Fingerprint(a graph.Assessment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", a.Severity)
	for _, xs := range [][]graph.Exposure{a.Exposures, a.Ownership} {
		for _, x := range xs {
			b.WriteString(pathIDs(x))
			for _, s := range x.Steps {
				b.WriteString(" " + stepKey(s))
				if s.Percent != nil {
					fmt.Fprintf(&b, "@%g", *s.Percent)
				}
			}
			b.WriteByte('\n')
		}
		b.WriteString("--\n")
	}
	if a.EffectiveOwnership != nil {
		fmt.Fprintf(&b, "%g", *a.EffectiveOwnership)
	}
	h := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(h[:8])
}
