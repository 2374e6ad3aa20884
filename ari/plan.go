package ari

import (
	"cmp"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// An event type is described once, by its struct and json tags (events.go)
// and its name in eventKinds. Everything else the decoder needs is derived
// from the struct once, at start, into a plan: which field each JSON key
// fills and how the fast path reads it, and where the Node fields are that
// DecodeEvent stamps. encoding/json reads the same tags, so the two decoders
// cannot disagree about names.

// eventKind is one entry of eventKinds: a modelled event type.
type eventKind struct {
	typ  reflect.Type // the struct, not the pointer
	plan *plan
}

// kindsOf derives the decoding table from one value of each event type.
func kindsOf(events map[string]Event) map[string]*eventKind {
	pl := planner{}
	kinds := make(map[string]*eventKind, len(events))
	for name, ev := range events {
		t := reflect.TypeOf(ev).Elem()
		kinds[name] = &eventKind{typ: t, plan: pl.planFor(t)}
	}
	return kinds
}

// new gives a zero event of the kind.
func (k *eventKind) new() Event { return reflect.New(k.typ).Interface().(Event) }

// stamp records node in the event and in every resource inside it.
func (k *eventKind) stamp(ev Event, node string) { k.plan.stamp(reflect.ValueOf(ev).Elem(), node) }

// plan is what the decoder knows about one struct type.
type plan struct {
	fields []planField  // in struct order (EventBase first; Asterisk sends its keys last)
	node   []int        // the Node field (json:"-"), nil if the type has none
	nested []nestedPlan // fields whose values carry a Node of their own
}

type planField struct {
	name  string
	index []int // for reflect.Value.FieldByIndex (EventBase's fields take two steps)
	read  reader
}

// nestedPlan is a struct field, or a pointer to one, to stamp in turn.
type nestedPlan struct {
	index []int
	plan  *plan
}

// reader reads one JSON value into v; false makes the fast path give up.
type reader func(l *lexer, v reflect.Value) bool

// stamp sets node in v's Node field and in those of the values inside it.
func (p *plan) stamp(v reflect.Value, node string) {
	if p.node != nil {
		v.FieldByIndex(p.node).SetString(node)
	}
	for _, n := range p.nested {
		f := v.FieldByIndex(n.index)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		n.plan.stamp(f, node)
	}
}

// planner builds plans, once per struct type (Channel is shared by most
// events).
type planner map[reflect.Type]*plan

func (pl planner) planFor(t reflect.Type) *plan {
	if p, ok := pl[t]; ok {
		return p
	}
	p := &plan{}
	pl[t] = p // before the fields, so a type that contains itself ends
	pl.addFields(p, t, nil)
	return p
}

// addFields follows encoding/json's rules for the shapes our models use:
// an untagged embedded struct lends its fields, "-" hides a field, an
// empty tag name means the Go name.
func (pl planner) addFields(p *plan, t reflect.Type, prefix []int) {
	for i := range t.NumField() {
		sf := t.Field(i)
		index := append(slices.Clip(prefix), i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		switch {
		case sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct:
			pl.addFields(p, sf.Type, index)
		case !sf.IsExported():
		case name == "-" && opts == "":
			if sf.Name == "Node" && sf.Type.Kind() == reflect.String {
				p.node = index
			}
		default:
			pl.addField(p, sf, index, cmp.Or(name, sf.Name), opts)
		}
	}
}

func (pl planner) addField(p *plan, sf reflect.StructField, index []int, name, opts string) {
	read := pl.readerFor(sf.Type)
	if strings.Contains(opts, "string") {
		read = giveUp // a number or bool inside a string: rare, encoding/json's
	}
	f := planField{name: name, index: index, read: read}
	if i := p.find(name, 0); i >= 0 {
		if len(p.fields[i].index) > len(index) {
			p.fields[i] = f // the shallower field wins, as in encoding/json
		}
		return
	}
	p.fields = append(p.fields, f)
	if q := pl.carriesNode(sf.Type); q != nil {
		p.nested = append(p.nested, nestedPlan{index: index, plan: q})
	}
}

// find gives the index of the field named key, or -1. The search starts at
// from and wraps around: Asterisk writes keys in one order, so starting
// after the last match finds the next one first.
func (p *plan) find(key string, from int) int {
	for i := from; i < len(p.fields); i++ {
		if p.fields[i].name == key {
			return i
		}
	}
	for i := range min(from, len(p.fields)) {
		if p.fields[i].name == key {
			return i
		}
	}
	return -1
}

// carriesNode gives the plan of a struct (or pointer to one) with a Node
// somewhere inside it, or nil.
func (pl planner) carriesNode(t reflect.Type) *plan {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || unmarshals(t) {
		return nil
	}
	if q := pl.planFor(t); q.node != nil || len(q.nested) > 0 {
		return q
	}
	return nil
}

var (
	timeType    = reflect.TypeFor[Time]()
	stringsType = reflect.TypeFor[[]string]()
)

// readerFor picks how the fast path reads a value of type t. Types it has
// no reader for (maps, floats, custom unmarshalers other than Time) give
// up, and encoding/json decodes the frame.
func (pl planner) readerFor(t reflect.Type) reader {
	switch {
	case t == timeType:
		return readTime
	case unmarshals(t):
		return giveUp
	case t == stringsType:
		return readStrings
	}
	switch t.Kind() {
	case reflect.String:
		return readString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return readInt
	case reflect.Bool:
		return readBool
	case reflect.Pointer:
		return readPointer(t.Elem(), pl.readerFor(t.Elem()))
	case reflect.Struct:
		return pl.planFor(t).read
	}
	return giveUp
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// unmarshals reports whether encoding/json would hand t's values to a
// method of t rather than decode them itself.
func unmarshals(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(jsonUnmarshaler) || p.Implements(textUnmarshaler)
}
