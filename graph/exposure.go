package graph

import (
	"strconv"
	"time"
)

// PathStep is one link of an exposure path, as walked.
type PathStep struct {
	Step      Step     `json:"step"` // how it was walked: owner, customer, …
	Type      LinkType `json:"type"`
	From      string   `json:"from"` // the link's own direction, as stated in the source row
	To        string   `json:"to"`
	Percent   *float64 `json:"percent"`
	Role      string   `json:"role,omitempty"`
	ValidFrom string   `json:"valid_from,omitempty"`
	ValidTo   string   `json:"valid_to,omitempty"`
	Source    Source   `json:"source"`
}

// StepOf returns link l walked as step s.
func StepOf(s Step, l Link) PathStep {
	return PathStep{Step: s, Type: l.Type, From: l.From, To: l.To, Percent: l.Percent, Role: l.Role,
		ValidFrom: l.ValidFrom, ValidTo: l.ValidTo, Source: l.Source}
}

// Exposure is a path from a start entity to a restrictive end-user.
// Path[0] is the start and Path[len-1] the end-user; Steps[i] joins Path[i]
// and Path[i+1]. A start that is itself a restrictive end-user has a path
// of one node and no steps.
type Exposure struct {
	EndUser Ref        `json:"end_user"`
	Hops    int        `json:"hops"`
	Path    []Ref      `json:"path"`
	Steps   []PathStep `json:"steps"`
}

// ReachQuery asks for the exposure of one start entity on one day.
type ReachQuery struct {
	Start string
	On    string // YYYY-MM-DD; links not valid that day are not walked
}

// Reach is what a store's path search finds around one start entity.
type Reach struct {
	Start Ref
	// Exposures holds the shortest path to each restrictive end-user within
	// the policy's max hops (ties broken by the lowest ids, in order),
	// sorted by hops and then by path.
	Exposures []Exposure
	// ByParent lists, sorted, the restrictive end-users the start reaches
	// by parent steps alone within max hops (itself included, if restrictive).
	ByParent []string
	// Ownership holds every OWNS chain into the start, walked as owner steps,
	// that ends at a restrictive end-user and passes through no other, with
	// no node twice, at most the policy's ownership depth long; sorted.
	Ownership []Exposure
	// Controllers lists, sorted, the restrictive end-users with a CONTROLS
	// link to the start valid on the day (for control_is_critical).
	Controllers []string
	// Stakes holds, under the ofac ownership method only, the stake of
	// every cluster owning the start or owning any cluster that owns it,
	// directly or through others, on the day, with whether its owner is a
	// restrictive end-user on the day; sorted by link key.
	Stakes []Stake
	// Listings holds the listings valid on the day, on the lists the policy
	// restricts, of the restrictive end-users named above (of every member
	// of their clusters); sorted by key.
	Listings []Listing
	// Clusters holds the members (sorted) of every SAME_AS cluster of two
	// or more that the answer names (SPEC §1 "Identity"): Start, the nodes
	// of the paths, the end-users, the controllers, the stakes' ends are
	// cluster ids; nil when it names none.
	Clusters map[string][]string
}

// Stake is an OWNS link seen by the ofac ownership method.
type Stake struct {
	Link Link `json:"link"`
	// Owner and Owned are the clusters the link joins (its ends when they
	// are in none): the one stake between them, at its highest known percent.
	Owner       string `json:"owner"`
	Owned       string `json:"owned"`
	Restrictive bool   `json:"restrictive"` // its owner is a restrictive end-user
}

// Severity of a flag.
type Severity string

// Severities, most severe first. None means not flagged.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	None     Severity = "none"
)

// Rank orders severities: critical 3, high 2, medium 1, none 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 3
	case High:
		return 2
	case Medium:
		return 1
	}
	return 0
}

// Verdict is what the exporter should do with a transaction.
type Verdict string

// Verdicts.
const (
	Block  Verdict = "block"
	Review Verdict = "review"
	Clear  Verdict = "clear"
	// Unknown is a screening's verdict when no entity in the graph is
	// close enough to the query to be the counterparty: its links are
	// unknown, not absent.
	Unknown Verdict = "unknown"
)

// VerdictOf maps a severity to its verdict.
func VerdictOf(s Severity) Verdict {
	switch s {
	case Critical:
		return Block
	case High, Medium:
		return Review
	}
	return Clear
}

// Assessment is the outcome of the exposure rules for a transaction or a
// screened counterparty.
type Assessment struct {
	Severity           Severity   `json:"severity"`
	Verdict            Verdict    `json:"verdict"`
	Reasons            []string   `json:"reasons"`
	Exposures          []Exposure `json:"exposures"`
	EffectiveOwnership *float64   `json:"effective_ownership"` // percent; nil when no restrictive owner chain exists
	Ownership          []Exposure `json:"ownership_paths,omitempty"`
}

// OwnershipText says how much of the start restrictive end-users hold,
// as every view shows it: "" when no restrictive owner chain exists; the
// percent when every stake on the chains is known; "unknown" when the
// known stakes add up to nothing (never "0%"); "at least 30% (some stakes
// unknown)" when only some are known.
func (a Assessment) OwnershipText() string {
	p := a.EffectiveOwnership
	if p == nil {
		return ""
	}
	pct := strconv.FormatFloat(*p, 'f', -1, 64) + "%"
	for _, x := range a.Ownership {
		for _, s := range x.Steps {
			if s.Percent == nil {
				if *p > 0 {
					return "at least " + pct + " (some stakes unknown)"
				}
				return "unknown"
			}
		}
	}
	return pct
}

// Status of a flag's review.
type Status string

// Review statuses.
const (
	Open      Status = "open"
	Confirmed Status = "confirmed"
	Cleared   Status = "cleared"
)

// Valid reports whether s is a review status.
func (s Status) Valid() bool { return s == Open || s == Confirmed || s == Cleared }

// Actions of a flag's history entries.
const (
	ActionReview  = "review"  // a reviewer set the status
	ActionApprove = "approve" // the first of two reviewers cleared a critical flag
	ActionComment = "comment" // a reviewer commented; the status stays
	ActionAssign  = "assign"  // the flag was given to a reviewer (or taken back)
	ActionReopen  = "reopen"  // hopcheck reopened a reviewed flag whose evidence changed
)

// HistoryEntry is one entry of a flag's history: a decision, approval,
// comment or assignment by a reviewer, or a reopening by hopcheck with
// what changed. Entries are only ever appended.
type HistoryEntry struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action,omitempty"` // one of the Action constants; review when empty (older entries)
	Status Status    `json:"status"`           // the flag's status after the entry
	Note   string    `json:"note,omitempty"`
	// Assignee is whom an assign entry gave the flag to ("" takes it back).
	Assignee string `json:"assignee,omitempty"`
	// Changes say, for a reopen entry, what changed in the evidence.
	Changes []EvidenceChange `json:"changes,omitempty"`
}

// EvidenceChange is one difference between a flag's earlier and current
// assessment: the severity, the effective ownership, an end-user reached,
// or a link along a path (added, removed, or a value of it changed), with
// the row that states the current value.
type EvidenceChange struct {
	What  string `json:"what"`            // severity, effective_ownership, end_user, link
	Link  string `json:"link,omitempty"`  // the link's key, for link changes
	Field string `json:"field,omitempty"` // percent, valid_to, …; "" when the whole link came or went
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
	// Source is the row stating the new value (the old one for a link no
	// longer walked that is not stored any more).
	Source *Source `json:"source,omitempty"`
}

// Approval is the first of the two reviews that clear a critical flag
// (four eyes): by whom, when and why. A second reviewer with another
// identity completes it.
type Approval struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note"`
}

// Flag is the persisted assessment of a transaction and its review.
type Flag struct {
	TransactionID string `json:"transaction_id"`
	Assessment
	Status   Status         `json:"status"`
	Reviewer string         `json:"reviewer,omitempty"`
	Note     string         `json:"note,omitempty"`
	History  []HistoryEntry `json:"history,omitempty"`
	// Assignee is the reviewer the flag is given to; "" when nobody.
	Assignee string `json:"assignee,omitempty"`
	// PendingClear is the first approval of a critical flag's clearing,
	// awaiting a second reviewer; nil when none is pending.
	PendingClear *Approval `json:"pending_clear,omitempty"`
	// Buyer, Country and Date describe the transaction for listing and filtering.
	Buyer   Ref    `json:"buyer"`
	Date    string `json:"date"`
	Country string `json:"country,omitempty"` // the buyer's country
	// Seller and EndUser are the transaction's other parties as the store
	// knows them (nil when the row names none); Product, Capability, Value
	// and Currency are its own cells; Capabilities are the guidance's
	// categories its capability text points to (see Capabilities).
	Seller       *Ref     `json:"seller,omitempty"`
	EndUser      *Ref     `json:"end_user,omitempty"`
	Product      string   `json:"product,omitempty"`
	Capability   string   `json:"capability,omitempty"`
	Capabilities []string `json:"capabilities,omitempty"`
	Value        *float64 `json:"value,omitempty"`
	Currency     string   `json:"currency,omitempty"`
	// Evidence fingerprints the assessment: when it changes, a reviewed
	// flag reopens.
	Evidence string `json:"evidence"`
	// EvaluatedAt is when the stored assessment last changed, its
	// provenance included; EvidenceUpload is the upload that changed it
	// (the source of a step it walks now), "" when not known.
	EvaluatedAt    time.Time `json:"evaluated_at"`
	EvidenceUpload string    `json:"evidence_upload,omitempty"`
}
