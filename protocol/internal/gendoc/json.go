package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// node is a JSON value that keeps the order of object members, so that the
// tables list fields in the schema's order.
type node struct {
	obj  []member // object members, in order (isObj)
	arr  []*node  // array elements (isArr)
	val  any      // string, json.Number, bool or nil otherwise
	kind byte     // '{', '[', or 0 for a scalar
}

type member struct {
	key string
	val *node
}

// parseJSON parses b keeping member order.
func parseJSON(b []byte) (*node, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	n, err := parseValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return n, nil
}

func parseValue(d *json.Decoder) (*node, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		n := &node{kind: '{'}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := parseValue(d)
			if err != nil {
				return nil, err
			}
			n.obj = append(n.obj, member{k.(string), v})
		}
		_, err := d.Token() // }
		return n, err
	case json.Delim('['):
		n := &node{kind: '['}
		for d.More() {
			v, err := parseValue(d)
			if err != nil {
				return nil, err
			}
			n.arr = append(n.arr, v)
		}
		_, err := d.Token() // ]
		return n, err
	}
	return &node{val: t}, nil
}

// get returns the member key of an object, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != '{' {
		return nil
	}
	for _, m := range n.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// path follows keys.
func (n *node) path(keys ...string) *node {
	for _, k := range keys {
		n = n.get(k)
	}
	return n
}

// str returns a string value, or "".
func (n *node) str() string {
	if n == nil {
		return ""
	}
	s, _ := n.val.(string)
	return s
}

// strs returns the string elements of an array.
func (n *node) strs() []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, e := range n.arr {
		out = append(out, e.str())
	}
	return out
}

// jsonText renders n as compact JSON.
func (n *node) jsonText() string {
	switch n.kind {
	case '{':
		var b bytes.Buffer
		b.WriteString("{")
		for i, m := range n.obj {
			if i > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(m.key)
			b.Write(k)
			b.WriteString(": ")
			b.WriteString(m.val.jsonText())
		}
		b.WriteString("}")
		return b.String()
	case '[':
		var b bytes.Buffer
		b.WriteString("[")
		for i, e := range n.arr {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.jsonText())
		}
		b.WriteString("]")
		return b.String()
	}
	v, _ := json.Marshal(n.val)
	return string(v)
}
