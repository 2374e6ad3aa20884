package ari

import (
	"context"
	"fmt"
	"net/http"
)

// Sound is a media file Asterisk can play (GET /sounds): its id and the
// languages and formats it exists in. Asterisk indexes every top-level
// directory of its sounds directory as a language, so a file
// sounds/en/hello-world.wav is id "hello-world" in language "en", while
// sounds/callsvc/zh/greeting.wav is id "zh/greeting" in "language"
// "callsvc". Sound.Plays tells whether it is what a sound: URI names.
type Sound struct {
	Node    string           `json:"-"`
	ID      string           `json:"id"`
	Text    string           `json:"text,omitempty"`
	Formats []FormatLangPair `json:"formats"`
}

// FormatLangPair is one language and format a sound exists in.
type FormatLangPair struct {
	Language string `json:"language"`
	Format   string `json:"format"`
}

// Plays reports whether "sound:"+name plays this sound: name is its id (a
// file in a language directory) or its language directory and id together
// (a file in a directory of its own below sounds/, as callsvc's prompts are).
func (s *Sound) Plays(name string) bool {
	if s.ID == name {
		return true
	}
	for _, f := range s.Formats {
		if f.Language+"/"+s.ID == name {
			return true
		}
	}
	return false
}

// Sounds lists the sounds on node (GET /sounds); lang and format filter
// when not empty.
func (c *Client) Sounds(ctx context.Context, node, lang, format string) ([]Sound, error) {
	q := query{}.str("lang", lang).str("format", format)
	return list(ctx, c, node, "list sounds", "/sounds", q,
		func(v *Sound, node string) { v.Node = node })
}

// Sound gets one sound by id (GET /sounds/{id}); a missing one is an error
// with IsNotFound. Ids with a "/" are sent escaped as one path segment.
func (c *Client) Sound(ctx context.Context, node, id string) (*Sound, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	var out Sound
	if err := c.do(ctx, n, request{method: http.MethodGet, path: "/sounds/" + seg(id)}, &out); err != nil {
		return nil, fmt.Errorf("get sound %s: %w", id, err)
	}
	out.Node = n.id
	return &out, nil
}
