package aritest

import (
	"net/http"
	"sort"
	"strings"
)

// soundFormats indexes the declared sounds the way Asterisk's sounds index
// does: a top-level directory below sounds/ is a language, so the sound
// name "callsvc/zh/greeting" (a file sounds/callsvc/zh/greeting.wav) is id
// "zh/greeting" in language "callsvc", and a name without a directory,
// such as "hello-world", is taken to be an English sound (sounds/en/...).
// The sounds are Options.Sounds and the "sound:" keys of MediaDurations.
// Result: id -> language -> true.
func (s *Server) soundFormats() map[string]map[string]bool {
	names := append([]string(nil), s.opts.Sounds...)
	for uri := range s.opts.MediaDurations {
		if name, ok := strings.CutPrefix(uri, "sound:"); ok {
			names = append(names, name)
		}
	}
	out := map[string]map[string]bool{}
	for _, name := range names {
		lang, id, ok := strings.Cut(name, "/")
		if !ok {
			lang, id = "en", name
		}
		if out[id] == nil {
			out[id] = map[string]bool{}
		}
		out[id][lang] = true
	}
	return out
}

func soundJSON(id string, langs map[string]bool) obj {
	formats := []obj{}
	for _, l := range sortedKeys(langs) {
		formats = append(formats, obj{{"language", l}, {"format", "wav"}})
	}
	return obj{{"id", id}, {"formats", formats}}
}

// listSounds serves GET /sounds with the lang and format filters. With
// Options.Sounds empty every sound plays, but only MediaDurations' sounds
// are listed.
func listSounds(s *Server, r *request) response {
	idx := s.soundFormats()
	ids := make([]string, 0, len(idx))
	for id := range idx {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	lang, format := r.get("lang"), r.get("format")
	out := []obj{}
	for _, id := range ids {
		langs := idx[id]
		if lang != "" {
			if !langs[lang] {
				continue
			}
			langs = map[string]bool{lang: true}
		}
		if format != "" && format != "wav" {
			continue
		}
		out = append(out, soundJSON(id, langs))
	}
	return ok(out)
}

// getSound serves GET /sounds/{id}: 404 "Sound not found" for a sound that
// is not declared (any id exists when Options.Sounds is empty).
func getSound(s *Server, r *request) response {
	id := r.path["id"]
	langs, found := s.soundFormats()[id]
	if !found {
		if len(s.opts.Sounds) > 0 {
			return fail(http.StatusNotFound, "Sound not found")
		}
		langs = map[string]bool{"en": true}
	}
	return ok(soundJSON(id, langs))
}
