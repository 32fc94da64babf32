package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Step is one kind of move along an exposure path (SPEC §3).
type Step string

// The exposure steps.
const (
	StepOwner      Step = "owner"      // OWNS backwards: owned → owner
	StepController Step = "controller" // CONTROLS backwards: controlled → controller
	StepCustomer   Step = "customer"   // SUPPLIES forwards: supplier → customer
	StepParent     Step = "parent"     // PART_OF forwards: unit → body
	StepOffice     Step = "office"     // OFFICER_OF forwards: person → body
	StepPrincipal  Step = "principal"  // AGENT_OF forwards: agent → principal
	StepAssociate  Step = "associate"  // RELATED_TO either way
	StepSubsidiary Step = "subsidiary" // OWNS forwards: owner → owned
)

// Steps lists every step in a fixed order.
var Steps = []Step{StepOwner, StepController, StepCustomer, StepParent, StepOffice, StepPrincipal, StepAssociate, StepSubsidiary}

// DefaultSteps are the steps of the default policy: all but subsidiary.
var DefaultSteps = Steps[:7]

// StepOn returns the step that walks a link of type t forwards (from its
// From to its To) or backwards, and whether the policy walks it that way.
func (p Policy) StepOn(t LinkType, forward bool) (Step, bool) {
	for _, s := range p.Steps {
		if lt, fwd, both := s.Walk(); lt == t && (both || fwd == forward) {
			return s, true
		}
	}
	return "", false
}

// Walk says which link type a step follows and in which direction.
// Forward means from the link's From to its To; Both means either way.
func (s Step) Walk() (t LinkType, forward, both bool) {
	switch s {
	case StepOwner:
		return Owns, false, false
	case StepController:
		return Controls, false, false
	case StepCustomer:
		return Supplies, true, false
	case StepParent:
		return PartOf, true, false
	case StepOffice:
		return OfficerOf, true, false
	case StepPrincipal:
		return AgentOf, true, false
	case StepAssociate:
		return RelatedTo, true, true
	case StepSubsidiary:
		return Owns, true, false
	}
	return "", false, false
}

// Policy is the configurable part of the exposure rules.
type Policy struct {
	// MaxHops bounds exposure paths.
	MaxHops int `yaml:"max_hops" json:"max_hops"`
	// Steps are the moves an exposure path may make.
	Steps []Step `yaml:"steps" json:"steps"`
	// OwnershipThreshold is the effective ownership, in percent, at which a
	// start entity counts as a restrictive end-user's (critical).
	OwnershipThreshold float64 `yaml:"ownership_threshold" json:"ownership_threshold"`
	// OwnershipDepth bounds the OWNS chains counted in effective ownership.
	OwnershipDepth int `yaml:"ownership_depth" json:"ownership_depth"`
	// OwnershipMethod is how stakes add up: multiply (fractions multiplied
	// along chains) or ofac (the US Treasury's 50% rule).
	OwnershipMethod OwnershipMethod `yaml:"ownership_method" json:"ownership_method"`
	// ControlIsCritical makes a start entity that a restrictive end-user
	// CONTROLS directly critical.
	ControlIsCritical bool `yaml:"control_is_critical" json:"control_is_critical"`
	// FourEyes makes clearing a critical flag take two reviewers with
	// different identities (the first records an approval, the second
	// clears); false lets one reviewer clear it.
	FourEyes bool `yaml:"four_eyes_critical" json:"four_eyes_critical"`
	// RestrictedLists are the lists whose listed entities are restrictive
	// end-users: all of them (nil, "all" in YAML), or those named ([]: none).
	RestrictedLists ListSet `yaml:"restricted_lists" json:"restricted_lists"`
	// CountryRule derives a country's restrictive from its Freedom in the
	// World status or score when an upload's row does not state it.
	CountryRule CountryRule `yaml:"country_rule" json:"country_rule"`
	// MatchThreshold is the match score (graph/match) at which screening
	// takes a candidate for the counterparty and assesses it.
	MatchThreshold float64 `yaml:"match_threshold" json:"match_threshold"`
	// ReviewThreshold is the score from which a candidate below the match
	// threshold is a possible match, to be confirmed by a person; below
	// it a name is not the counterparty's.
	ReviewThreshold float64 `yaml:"review_threshold" json:"review_threshold"`
}

// CountryRule says which Freedom in the World statuses (F, PF, NF) and
// scores make a country restrictive, for rows that give a status or a
// score but no restrictive column.
type CountryRule struct {
	RestrictiveStatus []string `yaml:"restrictive_status" json:"restrictive_status"` // e.g. [NF]
	// RestrictiveBelow, when set, makes a score below it restrictive too.
	RestrictiveBelow *float64 `yaml:"restrictive_below" json:"restrictive_below,omitempty"`
}

// Restrictive derives restrictive from a status and a score; nil when
// neither is given.
func (r CountryRule) Restrictive(status string, score *float64) *bool {
	if status == "" && score == nil {
		return nil
	}
	v := false
	for _, s := range r.RestrictiveStatus {
		if status != "" && strings.EqualFold(strings.TrimSpace(status), s) {
			v = true
		}
	}
	if r.RestrictiveBelow != nil && score != nil && *score < *r.RestrictiveBelow {
		v = true
	}
	return &v
}

// OwnershipMethod is how effective ownership adds up stakes.
type OwnershipMethod string

// The ownership methods of SPEC §3.
const (
	Multiply OwnershipMethod = "multiply"
	OFAC     OwnershipMethod = "ofac"
)

// ListSet names lists: nil is every list; an empty set is none.
type ListSet []string

// Has reports whether the set names the list.
func (s ListSet) Has(list string) bool {
	if s == nil {
		return true
	}
	for _, v := range s {
		if v == list {
			return true
		}
	}
	return false
}

// UnmarshalYAML reads "all" or a sequence of list ids.
func (s *ListSet) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && strings.EqualFold(n.Value, "all") {
		*s = nil
		return nil
	}
	var ids []string
	if err := n.Decode(&ids); err != nil {
		return fmt.Errorf("restricted_lists: want all or a list of list ids: %w", err)
	}
	*s = append(ListSet{}, ids...)
	return nil
}

// MarshalJSON writes "all" for every list, else the ids.
func (s ListSet) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte(`"all"`), nil
	}
	return json.Marshal([]string(append([]string{}, s...)))
}

// UnmarshalJSON reads "all" or an array of list ids.
func (s *ListSet) UnmarshalJSON(b []byte) error {
	var all string
	if json.Unmarshal(b, &all) == nil && strings.EqualFold(all, "all") {
		*s = nil
		return nil
	}
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		return fmt.Errorf("restricted_lists: want \"all\" or an array of list ids: %w", err)
	}
	*s = append(ListSet{}, ids...)
	return nil
}

// The screening thresholds chosen from the matching benchmark
// (bench/match, docs/MATCHING.md).
const (
	DefaultMatchThreshold  = 0.9
	DefaultReviewThreshold = 0.7
)

// DefaultPolicy is the product's behaviour as SPEC §3 states it.
func DefaultPolicy() Policy {
	return Policy{MaxHops: 5, Steps: append([]Step(nil), DefaultSteps...), OwnershipThreshold: 50, OwnershipDepth: 8,
		OwnershipMethod: Multiply, FourEyes: true, CountryRule: CountryRule{RestrictiveStatus: []string{"NF"}},
		MatchThreshold: DefaultMatchThreshold, ReviewThreshold: DefaultReviewThreshold}
}

// Method returns the ownership method, multiply when unset.
func (p Policy) Method() OwnershipMethod {
	if p.OwnershipMethod == "" {
		return Multiply
	}
	return p.OwnershipMethod
}

// Allows reports whether the policy walks step s.
func (p Policy) Allows(s Step) bool {
	for _, v := range p.Steps {
		if v == s {
			return true
		}
	}
	return false
}

// Validate checks the policy's bounds and step names.
func (p Policy) Validate() error {
	if p.MaxHops < 1 || p.MaxHops > 10 {
		return Errorf(EINVALID, "policy: max_hops must be between 1 and 10, got %d", p.MaxHops)
	}
	if p.OwnershipDepth < 1 || p.OwnershipDepth > 12 {
		return Errorf(EINVALID, "policy: ownership_depth must be between 1 and 12, got %d", p.OwnershipDepth)
	}
	if p.OwnershipThreshold <= 0 || p.OwnershipThreshold > 100 {
		return Errorf(EINVALID, "policy: ownership_threshold must be above 0 and at most 100 (percent), got %g", p.OwnershipThreshold)
	}
	if p.ReviewThreshold <= 0 || p.ReviewThreshold > p.MatchThreshold || p.MatchThreshold > 1 {
		return Errorf(EINVALID, "policy: review_threshold and match_threshold must satisfy 0 < review_threshold ≤ match_threshold ≤ 1, got %g and %g", p.ReviewThreshold, p.MatchThreshold)
	}
	if m := p.Method(); m != Multiply && m != OFAC {
		return Errorf(EINVALID, "policy: ownership_method must be multiply or ofac, got %q", p.OwnershipMethod)
	}
	for _, s := range p.Steps {
		if t, _, _ := s.Walk(); t == "" {
			names := make([]string, len(Steps))
			for i, v := range Steps {
				names[i] = string(v)
			}
			return Errorf(EINVALID, "policy: unknown step %q (known: %s)", s, strings.Join(names, ", "))
		}
	}
	return nil
}

// ParsePolicy reads a YAML policy; keys it leaves out keep their defaults,
// and unknown keys are an error so that a typo does not silently change
// the rules.
func ParsePolicy(data []byte) (Policy, error) {
	p := DefaultPolicy()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && err.Error() != "EOF" {
		return Policy{}, policyError(data, err)
	}
	return p, p.Validate()
}

// LoadPolicy reads a YAML policy file; an empty path gives the defaults.
func LoadPolicy(path string) (Policy, error) {
	if path == "" {
		return DefaultPolicy(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Policy{}, Wrap(EINVALID, err, "policy file %s", path)
	}
	p, err := ParsePolicy(data)
	if err != nil {
		return Policy{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
