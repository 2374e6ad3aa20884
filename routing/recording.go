package routing

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// takeRecording records a complaint (S14) or suggestion (S7) in full: the
// caller ends it with # (or by hanging up); the only limit is a generous
// maximum, never a short silence timeout.
func (c *call) takeRecording(intent string) error {
	instr, thanks := prompt.KeyComplaintInstructions, prompt.KeyComplaintRecorded
	if intent == record.IntentSuggestion {
		instr, thanks = prompt.KeySuggestionInstructions, prompt.KeySuggestionThanks
	}
	if _, err := c.play(false, c.media(instr)); err != nil {
		return err
	}
	c.typed.clear() // a # pressed during the instructions must not end the recording at once
	// One call may leave several (S8 loops): the matter's number keeps names unique.
	name := fmt.Sprintf("callsvc-%s-%s-%d", strings.ToLower(c.rec.ID), intent, c.matters+1)
	err := c.e.cfg.Control.Record(c.ctx, c.leg, RecordOptions{Name: name, Format: "wav",
		MaxDuration: c.e.cfg.MaxRecording, Beep: true, TerminateOn: "#"})
	if err != nil {
		return c.controlErr("record", err)
	}
	c.event("", record.RecordingStartedData{Recording: name, Intent: intent})
	for {
		w, err := c.next(c.e.cfg.MaxRecording + time.Minute)
		if errors.Is(err, errHangup) {
			// The caller said it all and hung up: Asterisk keeps what was
			// recorded; the record says so.
			c.event("", record.RecordingKeptData{Recording: name, Intent: intent, Ended: "caller_hung_up"})
			c.keepNote(intent, name)
			return err
		}
		if err != nil {
			return err
		}
		ev, _ := w.(callerEvent)
		switch {
		case ev.Kind == EvRecordingFinished && ev.RecordingName == name:
			c.event("", record.RecordingKeptData{Recording: name, Intent: intent, DurationS: new(int(ev.Duration / time.Second))})
			c.keepNote(intent, name)
			_, err := c.play(false, c.media(thanks))
			return err
		case ev.Kind == EvRecordingFailed && ev.RecordingName == name:
			c.event("", record.RecordingFailedData{Recording: name, Cause: ev.Cause})
			return c.nobodyFree(Decision{Rule: "recording_failed"}, prompt.KeySorryPleaseWait)
		}
	}
}

func (c *call) keepNote(intent, name string) {
	c.carried.reasonClip = name
	line := fmt.Sprintf("%s recorded: %s", intent, name)
	if c.rec.Notes == "" {
		c.rec.Notes = line
	} else {
		c.rec.Notes += "\n" + line
	}
	c.save()
}
