package dialplan

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing Check found wrong, with where it is.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return p.File + ": " + p.Msg
}

// Check looks for mistakes Asterisk would only show at run time, in parsed
// files keyed by name ("extensions.conf", "pjsip.conf"...; others are not
// looked at):
//
//   - extensions.conf: every "exten" starts at priority 1 (or names a
//     number after one it already has) before any "n"; "same" follows an
//     "exten"; applications are App or App(args) with balanced
//     parentheses; contexts named by include, Goto and Local/...@context
//     exist.
//   - pjsip.conf: templates are defined before use; every object has a
//     known type; an endpoint's auth, aors and transport name objects of
//     those types; an identify names an endpoint; an endpoint's context
//     exists in extensions.conf (when given).
//   - every file: no variable or function expansion (${...}, $[...]) where
//     data belongs: option values, section names, [globals], extension
//     names and patterns, and the arguments of the applications that take
//     data (NoOp's label, Dial's devices, Stasis's arguments, Goto's
//     target, Playback's files...), where only the channel's own call data
//     may be expanded: ${EXTEN} (with an offset), ${CALLERID(num)} and
//     ${CALLERID(name)}. Anything else there, such as ${SHELL(...)} in a
//     label, is text that became code. Applications that evaluate by
//     design (Set, ExecIf, GotoIf...) are an administrator's code and are
//     not judged.
func Check(files map[string]*Config) []error {
	var probs []error
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		probs = append(probs, checkExpansions(name, files[name])...)
	}
	var contexts map[string]bool
	if ext := files["extensions.conf"]; ext != nil {
		contexts = dialplanContexts(ext)
		probs = append(probs, checkExtensions(ext, contexts)...)
	}
	if pj := files["pjsip.conf"]; pj != nil {
		probs = append(probs, checkPJSIP(pj, contexts)...)
	}
	return probs
}

// dialplanContexts lists the contexts of extensions.conf ([general] and
// [globals] are settings, not contexts).
func dialplanContexts(c *Config) map[string]bool {
	out := map[string]bool{}
	for _, s := range c.Sections {
		if s.Name != "general" && s.Name != "globals" {
			out[s.Name] = true
		}
	}
	return out
}

func checkExtensions(c *Config, contexts map[string]bool) []error {
	var probs []error
	bad := func(line int, format string, a ...any) {
		probs = append(probs, &Problem{File: "extensions.conf", Line: line, Msg: fmt.Sprintf(format, a...)})
	}
	for _, s := range c.Sections {
		if s.Name == "general" || s.Name == "globals" {
			continue
		}
		last := map[string]int{} // extension -> highest priority so far
		current := ""            // extension of the last exten line, for same =>
		for _, e := range s.Entries {
			switch e.Key {
			case "exten":
				parts := strings.SplitN(e.Value, ",", 3)
				if len(parts) < 3 {
					bad(e.Line, "[%s] exten %q: want name,priority,application", s.Name, e.Value)
					continue
				}
				name := strings.TrimSpace(parts[0])
				if name == "" {
					bad(e.Line, "[%s] exten with an empty name", s.Name)
					continue
				}
				current = name
				if p := strings.TrimSpace(parts[1]); p == "hint" {
					continue
				}
				if !stepPriority(last, name, parts[1], func(msg string) { bad(e.Line, "[%s] exten %s: %s", s.Name, name, msg) }) {
					continue
				}
				checkApp(s.Name, e.Line, parts[2], contexts, bad)
			case "same":
				if current == "" {
					bad(e.Line, "[%s] same => without an exten before it", s.Name)
					continue
				}
				prio, app, ok := strings.Cut(e.Value, ",")
				if !ok {
					bad(e.Line, "[%s] same %q: want priority,application", s.Name, e.Value)
					continue
				}
				if !stepPriority(last, current, prio, func(msg string) { bad(e.Line, "[%s] exten %s: %s", s.Name, current, msg) }) {
					continue
				}
				checkApp(s.Name, e.Line, app, contexts, bad)
			case "include":
				if !contexts[e.Value] {
					bad(e.Line, "[%s] includes context %q, which does not exist", s.Name, e.Value)
				}
			case "switch", "eswitch", "lswitch", "ignorepat":
			default:
				bad(e.Line, "[%s] unexpected %q in a dialplan context", s.Name, e.Key)
			}
		}
	}
	return probs
}

// stepPriority checks one priority of an extension ("1", "2"..., "n",
// optionally with a "(label)") against what came before, and records it.
func stepPriority(last map[string]int, exten, prio string, bad func(string)) bool {
	prio = strings.TrimSpace(prio)
	if i := strings.IndexByte(prio, '('); i >= 0 {
		if !strings.HasSuffix(prio, ")") || i == len(prio)-2 {
			bad(fmt.Sprintf("priority %q: bad label", prio))
			return false
		}
		prio = prio[:i]
	}
	prev, seen := last[exten]
	switch {
	case prio == "n":
		if !seen {
			bad("priority n before priority 1")
			return false
		}
		last[exten] = prev + 1
	default:
		n, err := strconv.Atoi(prio)
		if err != nil || n < 1 {
			bad(fmt.Sprintf("priority %q: want a number from 1, or n", prio))
			return false
		}
		if !seen && n != 1 {
			bad(fmt.Sprintf("priority %d before priority 1", n))
			return false
		}
		if seen && n <= prev {
			bad(fmt.Sprintf("priority %d again or out of order (after %d)", n, prev))
			return false
		}
		last[exten] = n
	}
	return true
}

// checkApp checks "App(args)" and the contexts its arguments name.
func checkApp(ctx string, line int, app string, contexts map[string]bool, bad func(int, string, ...any)) {
	app = strings.TrimSpace(app)
	name, args, hasArgs := strings.Cut(app, "(")
	if name == "" || strings.ContainsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	}) {
		bad(line, "[%s] application %q: bad name", ctx, app)
		return
	}
	if !hasArgs {
		return
	}
	if !strings.HasSuffix(args, ")") {
		bad(line, "[%s] application %q: missing ')'", ctx, app)
		return
	}
	args = args[:len(args)-1]
	depth := 0
	for _, r := range args {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		}
		if depth < 0 {
			break
		}
	}
	if depth != 0 {
		bad(line, "[%s] application %q: unbalanced parentheses", ctx, app)
		return
	}
	if contexts == nil {
		return
	}
	switch strings.ToLower(name) {
	case "goto", "gosub":
		if parts := strings.Split(args, ","); len(parts) == 3 && !strings.Contains(parts[0], "$") && !contexts[parts[0]] {
			bad(line, "[%s] %s to context %q, which does not exist", ctx, name, parts[0])
		}
	case "dial":
		target, _, _ := strings.Cut(args, ",")
		for _, dev := range strings.Split(target, "&") {
			if rest, ok := strings.CutPrefix(dev, "Local/"); ok {
				_, cx, _ := strings.Cut(rest, "@")
				cx, _, _ = strings.Cut(cx, "/")
				if cx != "" && !strings.Contains(cx, "$") && !contexts[cx] {
					bad(line, "[%s] Dial(%s): context %q does not exist", ctx, dev, cx)
				}
			}
		}
	}
}

// pjsipTypes are the object types res_pjsip reads from pjsip.conf.
var pjsipTypes = map[string]bool{"transport": true, "endpoint": true, "auth": true, "aor": true,
	"identify": true, "registration": true, "global": true, "system": true, "domain_alias": true,
	"contact": true, "acl": true, "phoneprov": true, "outbound-publish": true, "resource_list": true,
	"inbound-publication": true}

// pjsipObject is a section with its template entries folded in.
type pjsipObject struct {
	sec     *Section
	typ     string
	entries []Entry
}

func (o pjsipObject) get(key string) string { return lastValue(o.entries, key) }

func checkPJSIP(c *Config, contexts map[string]bool) []error {
	var probs []error
	bad := func(line int, format string, a ...any) {
		probs = append(probs, &Problem{File: "pjsip.conf", Line: line, Msg: fmt.Sprintf(format, a...)})
	}
	seen := map[string][]pjsipObject{} // name -> earlier sections, for templates
	var objects []pjsipObject
	byType := map[string]map[string]bool{}
	for _, s := range c.Sections {
		var entries []Entry
		ok := true
		for _, t := range s.Inherits {
			prev := seen[t]
			if len(prev) == 0 {
				bad(s.Line, "[%s] inherits %q, which is not defined above it", s.Name, t)
				ok = false
				continue
			}
			entries = append(entries, prev[len(prev)-1].entries...)
		}
		entries = append(entries, s.Entries...)
		o := pjsipObject{sec: s, entries: entries}
		o.typ = o.get("type")
		seen[s.Name] = append(seen[s.Name], o)
		if s.Template || !ok {
			continue
		}
		if !pjsipTypes[o.typ] {
			bad(s.Line, "[%s] has no known type (type=%q)", s.Name, o.typ)
			continue
		}
		if byType[o.typ] == nil {
			byType[o.typ] = map[string]bool{}
		}
		if byType[o.typ][s.Name] {
			bad(s.Line, "[%s] defines a second %s of that name", s.Name, o.typ)
		}
		byType[o.typ][s.Name] = true
		objects = append(objects, o)
	}
	refs := func(o pjsipObject, key, typ string) {
		v := o.get(key)
		if v == "" {
			return
		}
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); !byType[typ][name] {
				bad(o.sec.Line, "[%s] %s=%s: no %s called %q", o.sec.Name, key, v, typ, name)
			}
		}
	}
	for _, o := range objects {
		switch o.typ {
		case "endpoint":
			refs(o, "auth", "auth")
			refs(o, "outbound_auth", "auth")
			refs(o, "aors", "aor")
			refs(o, "transport", "transport")
			if contexts != nil {
				if cx := o.get("context"); cx == "" {
					bad(o.sec.Line, "[%s] endpoint without a context", o.sec.Name)
				} else if !contexts[cx] {
					bad(o.sec.Line, "[%s] context=%s, which extensions.conf does not define", o.sec.Name, cx)
				}
			}
		case "identify":
			refs(o, "endpoint", "endpoint")
			if o.get("match") == "" {
				bad(o.sec.Line, "[%s] identify without match", o.sec.Name)
			}
		case "registration":
			refs(o, "outbound_auth", "auth")
		case "auth":
			if o.get("username") == "" || o.get("password") == "" {
				bad(o.sec.Line, "[%s] auth without username or password", o.sec.Name)
			}
		}
	}
	return probs
}

// callData is what an application argument may expand: the channel's own
// call data, which nothing typed into the directory or the settings can
// change.
var callData = regexp.MustCompile(`^\$\{(EXTEN(:-?[0-9]+(:-?[0-9]+)?)?|CALLERID\((num|name)\))\}$`)

// dataApps are the applications whose arguments are data (lower case).
var dataApps = map[string]bool{"noop": true, "verbose": true, "log": true, "dial": true, "stasis": true,
	"goto": true, "congestion": true, "busy": true, "hangup": true, "wait": true, "answer": true,
	"ringing": true, "progress": true, "playback": true, "background": true}

// checkExpansions flags expansions in the data positions of one file (see
// Check).
func checkExpansions(file string, c *Config) []error {
	var probs []error
	flag := func(line int, where, x string, allowed bool) {
		if allowed && callData.MatchString(x) {
			return
		}
		msg := "%s: %.60q would be expanded by Asterisk: data must not hold ${...} or $[...]"
		if allowed {
			msg = "%s: %.60q would be expanded by Asterisk: an argument may expand only ${EXTEN} and ${CALLERID(num|name)}"
		}
		probs = append(probs, &Problem{File: file, Line: line, Msg: fmt.Sprintf(msg, where, x)})
	}
	data := func(line int, where, v string) {
		for _, x := range expansions(v) {
			flag(line, where, x, false)
		}
	}
	dialplan := file == "extensions.conf"
	for _, s := range c.Sections {
		data(s.Line, "section name", s.Name)
		for _, e := range s.Entries {
			where := fmt.Sprintf("[%s] %s", s.Name, e.Key)
			data(e.Line, where+" (key)", e.Key)
			if !dialplan || s.Name == "general" || s.Name == "globals" {
				data(e.Line, where, e.Value)
				continue
			}
			var head, app string
			switch e.Key {
			case "exten":
				parts := strings.SplitN(e.Value, ",", 3)
				head = strings.Join(parts[:min(2, len(parts))], ",")
				if len(parts) == 3 {
					app = parts[2]
				}
			case "same":
				head, app, _ = strings.Cut(e.Value, ",")
			default:
				head = e.Value
			}
			data(e.Line, where, head)
			name, _, _ := strings.Cut(strings.TrimSpace(app), "(")
			if !dataApps[strings.ToLower(strings.TrimSpace(name))] {
				continue
			}
			for _, x := range expansions(app) {
				flag(e.Line, where, x, true)
			}
		}
	}
	return probs
}

// expansions lists the ${...} and $[...] of s, each with its nested
// brackets; one left open runs to the end of s.
func expansions(s string) []string {
	var out []string
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' || (s[i+1] != '{' && s[i+1] != '[') {
			continue
		}
		open, shut := s[i+1], byte('}')
		if open == '[' {
			shut = ']'
		}
		depth, j := 0, i+1
		for ; j < len(s); j++ {
			if s[j] == open {
				depth++
			} else if s[j] == shut {
				if depth--; depth == 0 {
					break
				}
			}
		}
		if j >= len(s) {
			out = append(out, s[i:])
			break
		}
		out = append(out, s[i:j+1])
		i = j
	}
	return out
}
