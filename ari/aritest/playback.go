package aritest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// mediaOp is a playback or a recording queued on a channel; Asterisk runs
// them one after another.
type mediaOp interface{ isMedia() }

type playback struct {
	id       string
	media    []string
	cur      int    // index in media of what plays now
	target   string // "channel:ID" or "bridge:ID"
	language string
	state    string // queued, playing, done, failed
	ch       *channel
	br       *bridge
	timer    stopper
	silent   bool // an unknown scheme: Asterisk never reports its end
}

func (*playback) isMedia() {}

func (pb *playback) json() playbackJSON {
	j := playbackJSON{ID: pb.id, MediaURI: pb.media[pb.cur], TargetURI: pb.target,
		Language: pb.language, State: pb.state}
	if pb.cur+1 < len(pb.media) {
		j.NextMedia = pb.media[pb.cur+1]
	}
	return j
}

// mediaDuration is the simulated length of a media URI.
func (s *Server) mediaDuration(uri string) time.Duration {
	if d, found := s.opts.MediaDurations[uri]; found {
		return d
	}
	if name, found := strings.CutPrefix(uri, "recording:"); found {
		if rec := s.stored[name]; rec != nil {
			return rec.duration
		}
	}
	return s.opts.DefaultMediaDuration
}

// mediaStatus says whether uri can be played: "ok", "missing" (fails like
// a missing file) or "unknown" (a scheme Asterisk does not know: it starts
// and never reports an end).
func (s *Server) mediaStatus(uri string) string {
	scheme, rest, found := strings.Cut(uri, ":")
	if !found {
		return "unknown"
	}
	switch scheme {
	case "sound":
		if _, known := s.opts.MediaDurations[uri]; known || len(s.opts.Sounds) == 0 || slices.Contains(s.opts.Sounds, rest) {
			return "ok"
		}
		return "missing"
	case "recording":
		if s.stored[rest] != nil {
			return "ok"
		}
		return "missing"
	case "tone", "digits", "number", "characters":
		return "ok"
	}
	return "unknown"
}

// playLocked serves POST /channels/{id}/play and /bridges/{id}/play.
func (s *Server) playLocked(r *request, ch *channel, br *bridge, id string) response {
	// Asterisk reads one "media" parameter, a comma-separated list; when
	// the parameter is repeated only the last one counts (seen on the lab:
	// media=a&media=b plays b alone).
	var uris []string
	if media := r.params["media"]; len(media) > 0 {
		for _, u := range strings.Split(media[len(media)-1], ",") {
			if u = strings.TrimSpace(u); u != "" {
				uris = append(uris, u)
			}
		}
	}
	if len(uris) == 0 {
		return fail(http.StatusInternalServerError, "Failed to queue media for playback")
	}
	if id == "" {
		id = r.get("playbackId")
	}
	if id == "" {
		id = newUUID()
	}
	lang := r.get("lang")
	if lang == "" {
		lang = "en"
	}
	pb := &playback{id: id, media: uris, language: lang, state: "queued", ch: ch, br: br}
	if ch != nil {
		pb.target = "channel:" + ch.id
	} else {
		pb.target = "bridge:" + br.id
	}
	s.st.playbacks[id] = append(s.st.playbacks[id], pb)
	resp := created(pb.json(), "/ari/playbacks/"+id)
	if ch != nil {
		ch.media = append(ch.media, pb)
		s.startMediaLocked(&ch.media)
		s.mediaArrivedLocked(ch)
	} else {
		br.media = append(br.media, pb)
		s.startMediaLocked(&br.media)
	}
	return resp
}

func (s *Server) playbackWatchers(pb *playback) []*app {
	return s.targetWatchers(pb.ch, pb.br)
}

// startPlaybackLocked begins pb and arranges its end.
func (s *Server) startPlaybackLocked(pb *playback) {
	pb.state = "playing"
	s.deliver(s.playbackWatchers(pb), "PlaybackStarted", kv{"playback", pb.json()})
	s.playItemLocked(pb)
}

// playItemLocked plays pb.media[pb.cur]; a list moves on with
// PlaybackContinuing, as Asterisk reports it.
func (s *Server) playItemLocked(pb *playback) {
	u := pb.media[pb.cur]
	for _, p := range s.listenersOf(pb.ch, pb.br) {
		p.hearLocked(u)
	}
	switch s.mediaStatus(u) {
	case "missing":
		s.finishPlaybackLocked(pb, "failed")
		return
	case "unknown":
		pb.silent = true
		s.finishPlaybackLocked(pb, "failed")
		return
	}
	pb.timer = s.after(s.mediaDuration(u), func() {
		if pb.state != "playing" {
			return
		}
		if pb.cur+1 < len(pb.media) {
			// As the lab Asterisk reports a list: Continuing still names
			// the item that ended (state "continuing"), then a new
			// PlaybackStarted names the next one.
			pb.state = "continuing"
			s.deliver(s.playbackWatchers(pb), "PlaybackContinuing", kv{"playback", pb.json()})
			pb.cur++
			pb.state = "playing"
			s.deliver(s.playbackWatchers(pb), "PlaybackStarted", kv{"playback", pb.json()})
			s.playItemLocked(pb)
			return
		}
		s.finishPlaybackLocked(pb, "done")
	})
}

// finishPlaybackLocked ends pb and starts whatever is queued next.
func (s *Server) finishPlaybackLocked(pb *playback, state string) {
	if pb.timer != nil {
		pb.timer.Stop()
	}
	wasPlaying := pb.state == "playing"
	pb.state = state
	if wasPlaying && !pb.silent {
		s.deliver(s.playbackWatchers(pb), "PlaybackFinished", kv{"playback", pb.json()})
	}
	list := s.st.playbacks[pb.id]
	if i := slices.Index(list, pb); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(s.st.playbacks, pb.id)
	} else {
		s.st.playbacks[pb.id] = list
	}
	if pb.ch != nil {
		pb.ch.media = removeOp(pb.ch.media, pb)
		if !pb.ch.hanging {
			s.startMediaLocked(&pb.ch.media)
		}
	} else if pb.br != nil {
		pb.br.media = removeOp(pb.br.media, pb)
		s.startMediaLocked(&pb.br.media)
	}
}

func removeOp(list []mediaOp, op mediaOp) []mediaOp {
	if i := slices.Index(list, op); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// startMediaLocked starts the head of a channel's or bridge's media queue
// if idle. A playback that cannot start leaves the queue, so the loop goes on
// to the next one.
func (s *Server) startMediaLocked(queue *[]mediaOp) {
	for len(*queue) > 0 {
		switch op := (*queue)[0].(type) {
		case *playback:
			if op.state == "playing" {
				return
			}
			s.startPlaybackLocked(op)
			if op.state == "playing" {
				return
			}
		case *liveRecording:
			if op.state != "recording" {
				s.startRecordingLocked(op)
			}
			return
		}
	}
}

// stopMediaLocked ends ch's media because it leaves Stasis or hangs up: a
// playing prompt fails, a recording is finished and kept.
func (s *Server) stopMediaLocked(ch *channel, hangup bool) {
	queue := ch.media
	ch.media = nil
	for _, op := range queue {
		switch op := op.(type) {
		case *playback:
			if op.state == "playing" {
				state := "done"
				if hangup {
					state = "failed"
				}
				s.finishPlaybackLocked(op, state) // the queue is empty: nothing else starts
			} else {
				op.state = "done"
				s.dropPlaybackLocked(op)
			}
		case *liveRecording:
			if op.state == "recording" {
				s.finishRecordingLocked(op, "done")
			} else {
				// Queued behind a prompt and never started.
				delete(s.st.live, op.name)
				op.state = "failed"
				s.deliver(s.channelWatchers(ch), "RecordingFailed",
					kv{"recording", append(op.json(), kv{"cause", "Channel left the application"})})
			}
		}
	}
}

func (s *Server) dropPlaybackLocked(pb *playback) {
	list := s.st.playbacks[pb.id]
	if i := slices.Index(list, pb); i >= 0 {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(s.st.playbacks, pb.id)
	} else {
		s.st.playbacks[pb.id] = list
	}
}

// listenersOf lists the scripted parties that hear media played on ch or
// in bridge br.
func (s *Server) listenersOf(ch *channel, br *bridge) []*party {
	var out []*party
	if ch != nil && ch.party != nil {
		out = append(out, ch.party)
	}
	if br != nil {
		for _, c := range br.channels {
			if c.party != nil {
				out = append(out, c.party)
			}
		}
	}
	return out
}

// Playback REST handlers.

func getPlayback(s *Server, r *request) response {
	list := s.st.playbacks[r.path["id"]]
	if len(list) == 0 {
		return fail(http.StatusNotFound, "Playback not found")
	}
	return ok(list[0].json())
}

func stopPlayback(s *Server, r *request) response {
	list := s.st.playbacks[r.path["id"]]
	if len(list) == 0 {
		return fail(http.StatusNotFound, "Playback not found")
	}
	pb := list[0]
	if pb.state == "playing" {
		s.finishPlaybackLocked(pb, "done")
		return noContent()
	}
	if pb.ch != nil {
		pb.ch.media = removeOp(pb.ch.media, pb)
	} else if pb.br != nil {
		pb.br.media = removeOp(pb.br.media, pb)
	}
	s.dropPlaybackLocked(pb)
	return noContent()
}

func controlPlayback(s *Server, r *request) response {
	list := s.st.playbacks[r.path["id"]]
	if len(list) == 0 {
		return fail(http.StatusNotFound, "Playback not found")
	}
	switch r.get("operation") {
	case "restart", "pause", "unpause", "reverse", "forward":
	case "":
		return fail(http.StatusBadRequest, "Missing parameter operation")
	default:
		return fail(http.StatusBadRequest, "Invalid operation parameter")
	}
	if list[0].state != "playing" {
		return fail(http.StatusConflict, "Playback not in a valid state")
	}
	return noContent()
}
