package skladflowtest

import (
	"fmt"
	"os"
	"slices"

	"gopkg.in/yaml.v3"
)

// WriteConfig writes the configuration as a YAML file the binary reads
// (skladflow serve --config path). secrets maps environment variable names
// to values: each value found in the configuration is written as a
// ${NAME} reference instead, as an installation keeps secrets out of the
// file. It returns the NAME=value entries to give the process.
func (h *Harness) WriteConfig(path string, secrets map[string]string) ([]string, error) {
	var root yaml.Node
	if err := root.Encode(h.Config); err != nil {
		return nil, err
	}
	refs := map[string]string{}
	var env []string
	for name, v := range secrets {
		refs[v] = "${" + name + "}"
		env = append(env, name+"="+v)
	}
	slices.Sort(env)
	found := map[string]bool{}
	replaceScalars(&root, func(n *yaml.Node) {
		if ref, ok := refs[n.Value]; ok {
			found[n.Value] = true
			n.Value, n.Tag, n.Style = ref, "!!str", yaml.DoubleQuotedStyle
		}
	})
	for name, v := range secrets {
		if !found[v] {
			return nil, fmt.Errorf("skladflowtest: secret %s is not in the configuration", name)
		}
	}
	b, err := yaml.Marshal(&root)
	if err != nil {
		return nil, err
	}
	return env, os.WriteFile(path, b, 0o600)
}

// replaceScalars calls f on every scalar value (not on mapping keys).
func replaceScalars(n *yaml.Node, f func(*yaml.Node)) {
	switch n.Kind {
	case yaml.ScalarNode:
		f(n)
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			replaceScalars(n.Content[i], f)
		}
	default:
		for _, c := range n.Content {
			replaceScalars(c, f)
		}
	}
}
