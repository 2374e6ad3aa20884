package aritest

import (
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// liveRecording is a recording in progress on a channel or a bridge.
type liveRecording struct {
	name, format, target string
	ch                   *channel // the target, or
	br                   *bridge  // this one
	maxDuration          time.Duration
	maxSilence           time.Duration
	beep                 bool
	terminateOn          string
	ifExists             string
	state                string // queued, recording
	start                time.Duration
	timer, silenceTimer  stopper
}

func (*liveRecording) isMedia() {}

func (rec *liveRecording) json() obj {
	return obj{{"name", rec.name}, {"format", rec.format}, {"state", rec.state}, {"target_uri", rec.target}}
}

// storedRecording is a finished recording kept as a file.
type storedRecording struct {
	name, format string
	data         []byte // the WAV file
	duration     time.Duration
}

var recordingFormats = []string{"wav", "wav16", "gsm", "ulaw", "alaw", "sln", "g722", "g729", "ogg"}

// recordLocked serves POST /channels/{id}/record and /bridges/{id}/record.
func (s *Server) recordLocked(r *request, ch *channel, br *bridge) response {
	name := r.get("name")
	if name == "" {
		return fail(http.StatusInternalServerError, "Error parsing request")
	}
	format := r.get("format")
	if format == "" {
		return fail(http.StatusBadRequest, "Missing parameter format")
	}
	if !slices.Contains(recordingFormats, format) {
		return fail(http.StatusUnprocessableEntity, "specified format is unknown on this system")
	}
	ifExists := r.get("ifExists")
	switch ifExists {
	case "":
		ifExists = "fail"
	case "fail", "overwrite", "append":
	default:
		return fail(http.StatusBadRequest, "ifExists invalid")
	}
	term := r.get("terminateOn")
	switch term {
	case "", "none", "any", "*", "#":
	default:
		return fail(http.StatusBadRequest, "terminateOn invalid")
	}
	if s.st.live[name] != nil || (s.stored[name] != nil && ifExists == "fail") {
		return fail(http.StatusConflict, "Recording '"+name+"' already exists and can not be overwritten")
	}
	rec := &liveRecording{
		name: name, format: format, ch: ch, br: br,
		maxDuration: time.Duration(r.getInt("maxDurationSeconds", 0)) * time.Second,
		maxSilence:  time.Duration(r.getInt("maxSilenceSeconds", 0)) * time.Second,
		beep:        r.getBool("beep"), terminateOn: term, ifExists: ifExists, state: "queued",
	}
	if ch != nil {
		rec.target = "channel:" + ch.id
	} else {
		rec.target = "bridge:" + br.id
	}
	s.st.live[name] = rec
	resp := created(rec.json(), "/ari/recordings/live/"+name)
	if ch != nil {
		ch.media = append(ch.media, rec)
		s.startMediaLocked(&ch.media)
	} else {
		br.media = append(br.media, rec)
		s.startMediaLocked(&br.media)
	}
	return resp
}

func (s *Server) startRecordingLocked(rec *liveRecording) {
	rec.state = "recording"
	rec.start = s.simNow()
	s.deliver(s.targetWatchers(rec.ch, rec.br), "RecordingStarted", kv{"recording", rec.json()})
	if rec.beep {
		for _, p := range s.listenersOf(rec.ch, rec.br) {
			p.hearLocked("sound:beep")
		}
	}
	if rec.maxDuration > 0 {
		rec.timer = s.after(rec.maxDuration, func() {
			if rec.state == "recording" {
				s.finishRecordingLocked(rec, "done")
			}
		})
	}
	if rec.maxSilence > 0 {
		s.armSilenceLocked(rec, rec.start+rec.maxSilence)
	}
}

// armSilenceLocked checks, at simulated time at, whether the far end has
// been silent for maxSilence; talking pushes the check later.
func (s *Server) armSilenceLocked(rec *liveRecording, at time.Duration) {
	rec.silenceTimer = s.after(at-s.simNow(), func() {
		if rec.state != "recording" {
			return
		}
		now := s.simNow()
		quietSince := rec.start
		for _, iv := range rec.talk() {
			if iv.from <= now && iv.to > now {
				s.armSilenceLocked(rec, iv.to+rec.maxSilence)
				return
			}
			if iv.to <= now && iv.to > quietSince {
				quietSince = iv.to
			}
		}
		if now-quietSince >= rec.maxSilence {
			s.finishRecordingLocked(rec, "done")
			return
		}
		s.armSilenceLocked(rec, quietSince+rec.maxSilence)
	})
}

// recordingDTMFLocked ends a recording of ch, or of its bridge, whose
// terminateOn matches digit.
func (s *Server) recordingDTMFLocked(ch *channel, digit string) {
	queues := [][]mediaOp{ch.media}
	if ch.bridge != nil {
		queues = append(queues, ch.bridge.media)
	}
	for _, q := range queues {
		if len(q) == 0 {
			continue
		}
		rec, isRec := q[0].(*liveRecording)
		if isRec && rec.state == "recording" && (rec.terminateOn == "any" || rec.terminateOn == digit) {
			s.finishRecordingLocked(rec, "done")
		}
	}
}

// finishRecordingLocked ends rec: "done" stores it, "canceled" drops it.
func (s *Server) finishRecordingLocked(rec *liveRecording, how string) {
	if rec.timer != nil {
		rec.timer.Stop()
	}
	if rec.silenceTimer != nil {
		rec.silenceTimer.Stop()
	}
	elapsed := s.simNow() - rec.start
	if rec.maxDuration > 0 && elapsed > rec.maxDuration {
		elapsed = rec.maxDuration
	}
	delete(s.st.live, rec.name)
	rec.state = how
	o := rec.json()
	if how == "done" {
		o = append(o, kv{"duration", reportedDuration(elapsed, trailingSilence(rec.talk(), rec.start, rec.start+elapsed))})
		data := s.audio[rec.name]
		if data == nil {
			data = synthesize(rec.talk(), rec.start, elapsed)
		}
		prev := s.stored[rec.name]
		if prev != nil && rec.ifExists == "append" {
			data = append(slices.Clone(prev.data[wavHeaderLen:]), data...)
			elapsed += prev.duration
		}
		s.stored[rec.name] = &storedRecording{name: rec.name, format: rec.format, data: wavFile(data), duration: elapsed}
	}
	s.deliver(s.targetWatchers(rec.ch, rec.br), "RecordingFinished", kv{"recording", o})
	rec.dequeue()
	switch {
	case rec.ch != nil && !rec.ch.hanging:
		s.startMediaLocked(&rec.ch.media)
	case rec.br != nil:
		s.startMediaLocked(&rec.br.media)
	}
}

// reportedDuration is RecordingFinished's duration as Asterisk computes
// it (seen on the lab, where a silent caller's 4 s recording ended with #
// reported 0): whole seconds of audio, less the trailing silence beyond
// 200 ms, in whole seconds, never below 0.
func reportedDuration(elapsed, silence time.Duration) int {
	d := int(elapsed / time.Second)
	if silence > 200*time.Millisecond {
		d -= int((silence - 200*time.Millisecond) / time.Second)
	}
	return max(d, 0)
}

// trailingSilence is how long nobody had spoken when a recording that ran
// from start ended at end.
func trailingSilence(talk []interval, start, end time.Duration) time.Duration {
	last := start
	for _, iv := range talk {
		if iv.from < end && iv.to >= end {
			return 0
		}
		if iv.to < end && iv.to > last {
			last = iv.to
		}
	}
	return end - last
}

// talk is when someone spoke into what rec records: the far end of its
// channel, or everyone in its bridge.
func (rec *liveRecording) talk() []interval {
	if rec.ch != nil {
		return rec.ch.talk
	}
	var all []interval
	for _, c := range rec.br.channels {
		all = append(all, c.talk...)
	}
	return all
}

// dequeue takes rec off its target's media queue.
func (rec *liveRecording) dequeue() {
	if rec.ch != nil {
		rec.ch.media = removeOp(rec.ch.media, rec)
	} else {
		rec.br.media = removeOp(rec.br.media, rec)
	}
}

// synthesize makes 8 kHz 16-bit mono PCM for a recording: a quiet tone
// while the far end talks, silence otherwise.
func synthesize(talk []interval, start, length time.Duration) []byte {
	n := int(length * 8000 / time.Second)
	pcm := make([]byte, 2*n)
	for _, iv := range talk {
		from := int((iv.from - start) * 8000 / time.Second)
		to := int((iv.to - start) * 8000 / time.Second)
		from, to = max(from, 0), min(to, n)
		for i := from; i < to; i++ {
			v := int16(3000 * math.Sin(2*math.Pi*440*float64(i)/8000))
			pcm[2*i] = byte(v)
			pcm[2*i+1] = byte(uint16(v) >> 8)
		}
	}
	return pcm
}

// SetRecordingAudio makes the recording called name, when it finishes,
// store pcm (8 kHz, 16-bit little-endian, mono samples) instead of what the
// simulation synthesizes.
func (s *Server) SetRecordingAudio(name string, pcm []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.audio[name] = slices.Clone(pcm)
}

// Recording returns the WAV file of a stored recording.
func (s *Server) Recording(name string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.stored[name]
	if rec == nil {
		return nil, false
	}
	return slices.Clone(rec.data), true
}

// REST handlers for /recordings.

func listStored(s *Server, r *request) response {
	out := []obj{}
	for _, name := range sortedKeys(s.stored) {
		out = append(out, obj{{"name", name}, {"format", s.stored[name].format}})
	}
	return ok(out)
}

func getStored(s *Server, r *request) response {
	rec := s.stored[r.path["name"]]
	if rec == nil {
		return fail(http.StatusNotFound, "Recording not found")
	}
	return ok(obj{{"name", rec.name}, {"format", rec.format}})
}

func deleteStored(s *Server, r *request) response {
	if s.stored[r.path["name"]] == nil {
		return fail(http.StatusNotFound, "Recording not found")
	}
	delete(s.stored, r.path["name"])
	return noContent()
}

func getStoredFile(s *Server, r *request) response {
	rec := s.stored[r.path["name"]]
	if rec == nil {
		return fail(http.StatusNotFound, "Recording not found")
	}
	ctype := "application/octet-stream"
	if strings.HasPrefix(rec.format, "wav") {
		ctype = "audio/wav"
	}
	return response{status: http.StatusOK, raw: slices.Clone(rec.data), ctype: ctype}
}

func copyStored(s *Server, r *request) response {
	rec := s.stored[r.path["name"]]
	if rec == nil {
		return fail(http.StatusNotFound, "Recording not found")
	}
	dst := r.get("destinationRecordingName")
	if dst == "" {
		return fail(http.StatusBadRequest, "Missing parameter destinationRecordingName")
	}
	if s.stored[dst] != nil {
		return fail(http.StatusConflict, "A recording with the same name already exists on the system")
	}
	cp := *rec
	cp.name = dst
	cp.data = slices.Clone(rec.data)
	s.stored[dst] = &cp
	return ok(obj{{"name", dst}, {"format", cp.format}})
}

func getLive(s *Server, r *request) response {
	rec := s.st.live[r.path["name"]]
	if rec == nil {
		return fail(http.StatusNotFound, "Recording not found")
	}
	return ok(rec.json())
}

func cancelLive(s *Server, r *request) response {
	rec := s.st.live[r.path["name"]]
	if rec == nil {
		return fail(http.StatusNotFound, "Recording not found")
	}
	if rec.state != "recording" {
		delete(s.st.live, rec.name)
		rec.dequeue()
		return noContent()
	}
	s.finishRecordingLocked(rec, "canceled")
	return noContent()
}

func stopLive(s *Server, r *request) response {
	rec := s.st.live[r.path["name"]]
	if rec == nil {
		return fail(http.StatusNotFound, "Recording not found")
	}
	if rec.state != "recording" {
		return fail(http.StatusConflict, "Recording not in session")
	}
	s.finishRecordingLocked(rec, "done")
	return noContent()
}

// liveNoop serves pause/unpause/mute/unmute, which change nothing the
// simulation models.
func liveNoop(s *Server, r *request) response {
	if s.st.live[r.path["name"]] == nil {
		return fail(http.StatusNotFound, "Recording not found")
	}
	return noContent()
}
