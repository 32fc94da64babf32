package graph

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// policyError turns a YAML decoding error of a policy into one that names
// the key, its line and what the key takes, in words rather than Go types
// ("max_hops (line 2): expected a whole number, got \"five\"").
func policyError(data []byte, err error) error {
	var top map[string]yaml.Node
	if yaml.Unmarshal(data, &top) != nil {
		return Errorf(EINVALID, "policy: not a mapping of keys to values: %s", plainYAML(err))
	}
	fields := policyFields(reflect.TypeOf(Policy{}))
	names := make([]string, 0, len(top))
	for k := range top {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return top[names[i]].Line < top[names[j]].Line })
	for _, k := range names {
		n := top[k]
		t, ok := fields[k]
		if !ok {
			return Errorf(EINVALID, "policy: unknown key %q (line %d); the keys are %s", k, n.Line, strings.Join(sortedKeys(fields), ", "))
		}
		if t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode {
			sub := policyFields(t)
			for i := 0; i+1 < len(n.Content); i += 2 {
				name, val := n.Content[i].Value, n.Content[i+1]
				st, ok := sub[name]
				if !ok {
					return Errorf(EINVALID, "policy: %s: unknown key %q (line %d); its keys are %s", k, name, n.Content[i].Line, strings.Join(sortedKeys(sub), ", "))
				}
				if val.Decode(reflect.New(st).Interface()) != nil {
					return Errorf(EINVALID, "policy: %s.%s (line %d): expected %s, got %s", k, name, val.Line, expected(name, st), got(val))
				}
			}
			continue
		}
		if n.Decode(reflect.New(t).Interface()) != nil {
			return Errorf(EINVALID, "policy: %s (line %d): expected %s, got %s", k, n.Line, expected(k, t), got(&n))
		}
	}
	return Errorf(EINVALID, "policy: %s", plainYAML(err))
}

func policyFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

func sortedKeys(m map[string]reflect.Type) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// expected says in words what a key takes.
func expected(key string, t reflect.Type) string {
	switch key {
	case "steps":
		names := make([]string, len(Steps))
		for i, s := range Steps {
			names[i] = string(s)
		}
		return "a list of steps (" + strings.Join(names, ", ") + ")"
	case "restricted_lists":
		return "all, or a list of list ids"
	case "ownership_method":
		return "multiply or ofac"
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text"
	case reflect.Slice:
		return "a list"
	case reflect.Struct:
		return "a mapping of keys"
	}
	return "another value"
}

func got(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return fmt.Sprintf("%q", n.Value)
}

var goTypes = regexp.MustCompile(` (into|in type) [\w.\[\]*]+`)

// plainYAML leaves the Go types out of a YAML error.
func plainYAML(err error) string {
	return goTypes.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")
}
