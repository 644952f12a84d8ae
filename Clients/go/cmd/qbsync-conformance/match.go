package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// match reports how expected does not match actual (nil when it does), by
// the rules of Clients/conformance/README.md ("Matching").
func match(expected, actual any, path string) error {
	switch exp := expected.(type) {
	case nil:
		if actual != nil {
			return fmt.Errorf("%s: expected absent (default), got %s", path, show(actual))
		}
		return nil
	case map[string]any:
		if isOperator(exp) {
			return matchOperator(exp, actual, path)
		}
		act, ok := actual.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: expected an object, got %s", path, show(actual))
		}
		keys := make([]string, 0, len(exp))
		for k := range exp {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, present := act[k]
			if exp[k] == nil {
				if present {
					return fmt.Errorf("%s.%s: expected absent (default), got %s", path, k, show(v))
				}
				continue
			}
			if isOperator(exp[k]) && !present {
				if ops := exp[k].(map[string]any); len(ops) == 1 && ops["$present"] == false {
					continue
				}
			}
			if !present {
				return fmt.Errorf("%s.%s: expected %s, the key is absent", path, k, show(exp[k]))
			}
			if err := match(exp[k], v, path+"."+k); err != nil {
				return err
			}
		}
		return nil
	case []any:
		act, ok := actual.([]any)
		if !ok {
			return fmt.Errorf("%s: expected an array, got %s", path, show(actual))
		}
		if len(act) != len(exp) {
			return fmt.Errorf("%s: expected %d elements, got %d", path, len(exp), len(act))
		}
		for i := range exp {
			if err := match(exp[i], act[i], fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	if scalarEqual(expected, actual) {
		return nil
	}
	return fmt.Errorf("%s: expected %s, got %s", path, show(expected), show(actual))
}

func isOperator(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return false
	}
	for k := range m {
		if !strings.HasPrefix(k, "$") {
			return false
		}
	}
	return true
}

func matchOperator(ops map[string]any, actual any, path string) error {
	keys := make([]string, 0, len(ops))
	for k := range ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, op := range keys {
		arg := ops[op]
		switch op {
		case "$present":
			want, _ := arg.(bool)
			if want != (actual != nil) {
				return fmt.Errorf("%s: expected present=%v, got %s", path, want, show(actual))
			}
		case "$contains":
			s, ok := actual.(string)
			if !ok || !strings.Contains(s, fmt.Sprint(arg)) {
				return fmt.Errorf("%s: expected a string containing %q, got %s", path, fmt.Sprint(arg), show(actual))
			}
		case "$gt", "$gte":
			a, okA := number(actual)
			n, okN := number(arg)
			if !okA || !okN {
				return fmt.Errorf("%s: %s %s needs integers, got %s", path, op, show(arg), show(actual))
			}
			c := a.Cmp(n)
			if c < 0 || (c == 0 && op == "$gt") {
				return fmt.Errorf("%s: expected %s %s, got %s", path, op, show(arg), show(actual))
			}
		case "$len":
			arr, ok := actual.([]any)
			if actual == nil {
				arr, ok = []any{}, true // the JSON mapping omits empty lists
			}
			n, okN := number(arg)
			if !ok || !okN || big.NewFloat(float64(len(arr))).Cmp(n) != 0 {
				return fmt.Errorf("%s: expected an array of %s elements, got %s", path, show(arg), show(actual))
			}
		default:
			return fmt.Errorf("%s: unknown operator %s", path, op)
		}
	}
	return nil
}

// number reads a JSON number, or a string holding one.
func number(v any) (*big.Float, bool) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = x
	case float64:
		return big.NewFloat(x), true
	case int:
		return big.NewFloat(float64(x)), true
	default:
		return nil, false
	}
	f, _, err := big.ParseFloat(strings.TrimSpace(text), 10, 200, big.ToNearestEven)
	if err != nil {
		return nil, false
	}
	return f, true
}

var integerText = regexp.MustCompile(`^-?[0-9]+$`)

func scalarEqual(expected, actual any) bool {
	switch e := expected.(type) {
	case bool:
		a, ok := actual.(bool)
		return ok && a == e
	case json.Number:
		a, ok := number(actual)
		if s, isString := actual.(string); isString && !integerText.MatchString(s) {
			return false
		}
		n, _ := number(e)
		return ok && n != nil && a.Cmp(n) == 0
	case string:
		if a, ok := actual.(string); ok {
			return a == e
		}
		if an, ok := actual.(json.Number); ok && integerText.MatchString(e) {
			a, _ := number(an)
			n, _ := number(e)
			return a != nil && n != nil && a.Cmp(n) == 0
		}
		return false
	}
	return false
}

// lookup follows a dotted path ("records.0.ref.externalId") into v.
func lookup(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[part]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

var variable = regexp.MustCompile(`\$\{([A-Za-z0-9_.-]+)\}`)

// substitute replaces "${name}" (a whole string: the captured JSON value) and
// ${name} inside longer strings (its text) with captured values.
func (r *runner) substitute(v any) (any, error) {
	switch x := v.(type) {
	case string:
		if m := variable.FindStringSubmatch(x); m != nil && m[0] == x {
			value, ok := r.vars[m[1]]
			if !ok {
				return nil, fmt.Errorf("no captured value named %q", m[1])
			}
			return value, nil
		}
		var missing error
		out := variable.ReplaceAllStringFunc(x, func(ref string) string {
			name := variable.FindStringSubmatch(ref)[1]
			value, ok := r.vars[name]
			if !ok {
				missing = fmt.Errorf("no captured value named %q", name)
				return ref
			}
			if s, ok := value.(string); ok {
				return s
			}
			return show(value)
		})
		return out, missing
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			s, err := r.substitute(e)
			if err != nil {
				return nil, err
			}
			out[k] = s
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			s, err := r.substitute(e)
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	}
	return v, nil
}
