package graph

import (
	"bytes"
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
)

// Steps lists every step in a fixed order.
var Steps = []Step{StepOwner, StepController, StepCustomer, StepParent, StepOffice, StepPrincipal, StepAssociate}

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
	// MatchThreshold is the match score (graph/match) at which screening
	// takes a candidate for the counterparty and assesses it.
	MatchThreshold float64 `yaml:"match_threshold" json:"match_threshold"`
	// ReviewThreshold is the score from which a candidate below the match
	// threshold is a possible match, to be confirmed by a person; below
	// it a name is not the counterparty's.
	ReviewThreshold float64 `yaml:"review_threshold" json:"review_threshold"`
}

// The screening thresholds chosen from the matching benchmark
// (bench/match, docs/MATCHING.md).
const (
	DefaultMatchThreshold  = 0.9
	DefaultReviewThreshold = 0.7
)

// DefaultPolicy is the product's behaviour as SPEC §3 states it.
func DefaultPolicy() Policy {
	return Policy{MaxHops: 5, Steps: append([]Step(nil), Steps...), OwnershipThreshold: 50, OwnershipDepth: 8,
		MatchThreshold: DefaultMatchThreshold, ReviewThreshold: DefaultReviewThreshold}
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
		return Policy{}, Errorf(EINVALID, "policy: %v", err)
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
