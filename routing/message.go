package routing

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// Message read-back choices (S15: the message is read back to confirm).
const (
	msgKeep    = "1"
	msgAgain   = "2"
	msgCancel  = "3"
	maxRetakes = 3
)

// takeMessage records a message for s: a beep, then until #, silence or
// the limit; it is read back, 1 keeps it, 2 records again, 3 cancels;
// then the callback number (the caller id by default). A caller who hangs
// up while recording still leaves the message, marked partial; one who
// hangs up during the read-back or the number question leaves it as
// recorded.
func (c *call) takeMessage(s record.Staff) error {
	for take := 1; ; take++ {
		name, dur, err := c.recordMessage(s, take)
		if errors.Is(err, errHangup) && name != "" {
			c.leaveMessage(s, name, dur, true, c.rec.CallerNumber, "hung_up_recording")
			return err
		}
		if err != nil {
			return err
		}
		if name == "" {
			// Asterisk could not record: a callback instead (nothing to keep).
			if _, err := c.play(false, c.media(prompt.KeyMessageFailed)); err != nil {
				return err
			}
			return c.requestCallback(s, record.EffectiveStatus{}, "message_failed")
		}
		choice, err := c.readBack(name)
		if errors.Is(err, errHangup) {
			c.leaveMessage(s, name, dur, false, c.rec.CallerNumber, "hung_up_read_back")
			return err
		}
		if err != nil {
			return err
		}
		switch {
		case choice == msgAgain && take < maxRetakes:
			c.event(s.ID, record.MessageRerecordData{Recording: name, Take: take})
			continue
		case choice == msgCancel:
			c.event(s.ID, record.MessageCancelledData{Recording: name, Take: take})
			_, err := c.play(false, c.media(prompt.KeyMessageCancelled))
			return err
		}
		number, err := c.callbackNumber()
		if errors.Is(err, errHangup) {
			c.leaveMessage(s, name, dur, false, c.rec.CallerNumber, "hung_up_callback_number")
			return err
		}
		if err != nil {
			return err
		}
		c.leaveMessage(s, name, dur, false, number, "kept")
		_, err = c.play(false, c.media(prompt.KeyMessageSaved))
		return err
	}
}

// recordMessage records one take. It returns the recording's name ("" if
// Asterisk failed to record) and its length; errHangup (with the name)
// when the caller hung up while speaking.
func (c *call) recordMessage(s record.Staff, take int) (string, time.Duration, error) {
	if _, err := c.play(false, c.media(prompt.KeyMessageInstructions)); err != nil {
		return "", 0, err
	}
	c.typed.clear() // a # pressed during the instructions must not end it at once
	name := fmt.Sprintf("callsvc-%s-message-%d-%d", strings.ToLower(c.rec.ID), c.matters+1, take)
	a := c.e.cfg.Away
	if err := c.e.cfg.Control.Record(c.ctx, c.leg, RecordOptions{Name: name, Format: "wav",
		MaxDuration: a.MessageMax, MaxSilence: a.MessageSilence, Beep: true, TerminateOn: "#"}); err != nil {
		return "", 0, c.controlErr("record message", err)
	}
	started := c.now()
	c.event(s.ID, record.MessageRecordingData{Recording: name, Take: take})
	for {
		w, err := c.next(a.MessageMax + time.Minute)
		if errors.Is(err, errHangup) {
			return name, c.now().Sub(started), err
		}
		if errors.Is(err, errTimeout) {
			return "", 0, fmt.Errorf("record message: no end of recording from Asterisk")
		}
		if err != nil {
			return "", 0, err
		}
		ev, _ := w.(callerEvent)
		switch {
		case ev.Kind == EvRecordingFinished && ev.RecordingName == name:
			d := ev.Duration
			if d <= 0 {
				d = c.now().Sub(started)
			}
			return name, d, nil
		case ev.Kind == EvRecordingFailed && ev.RecordingName == name:
			c.event(s.ID, record.RecordingFailedData{Recording: name, Cause: ev.Cause})
			return "", 0, nil
		}
	}
}

// readBack plays the message back and asks 1 keep, 2 again, 3 cancel;
// no answer after two more asks keeps it.
func (c *call) readBack(name string) (string, error) {
	media := []string{c.media(prompt.KeyMessageReadBack), "recording:" + name, c.media(prompt.KeyMessageConfirm)}
	for try := 0; try < 3; try++ {
		d, err := c.ask(media...)
		if err != nil {
			return "", err
		}
		if d == msgKeep || d == msgAgain || d == msgCancel {
			return d, nil
		}
		media = []string{c.tryAgain(d), c.media(prompt.KeyMessageConfirm)}
	}
	return msgKeep, nil
}

// callbackNumber confirms the caller id as the number to call back (1), or
// takes another one (2, then digits and #). No answer keeps the caller id.
func (c *call) callbackNumber() (string, error) {
	own := c.rec.CallerNumber
	if strings.TrimSpace(own) != "" {
		d, err := c.ask(c.media(prompt.KeyCallbackNumberIs), prompt.Digits(own), c.media(prompt.KeyCallbackConfirm))
		if err != nil {
			return "", err
		}
		if d != "2" {
			return own, nil
		}
	}
	number, err := c.keyNumber()
	if err != nil || number != "" {
		return number, err
	}
	if _, err := c.play(false, c.media(prompt.KeyMessageNoNumber)); err != nil {
		return "", err
	}
	return own, nil
}

// keyNumber asks for a phone number and takes its digits up to # or a
// pause ("" when none came).
func (c *call) keyNumber() (string, error) {
	d, err := c.play(true, c.media(prompt.KeyEnterCallbackNumber))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for b.Len() < 20 {
		if d == "" {
			d, err = c.digit(c.e.cfg.DigitTimeout)
			if errors.Is(err, errTimeout) {
				break
			}
			if err != nil {
				return "", err
			}
		}
		if d == "#" {
			break
		}
		if d >= "0" && d <= "9" {
			b.WriteString(d)
		}
		d = ""
	}
	return b.String(), nil
}

// leaveMessage records the message on the call and hands it to the
// message sink (stored with its audio off the call's path) and to the
// person's screen.
func (c *call) leaveMessage(s record.Staff, name string, dur time.Duration, partial bool, number, ended string) {
	m := record.Message{ID: ulid.Make().String(), CallID: c.rec.ID, ForStaffID: s.ID,
		CallerNumber: c.rec.CallerNumber, CallerName: c.rec.CallerName, CallbackNumber: number,
		RecordingName: name, DurationMS: int(dur / time.Millisecond), Partial: partial, CreatedAt: c.now()}
	c.event(s.ID, record.MessageTakenData{MessageID: m.ID, ForStaffID: s.ID, Recording: name,
		DurationMS: m.DurationMS, Partial: partial, CallbackNumber: number, Ended: ended})
	c.rec.MessageTaken = true
	c.rec.Outcome = record.OutcomeMessageTaken
	c.note("message " + m.ID + " for " + s.ID)
	c.save()
	c.e.cfg.Away.Messages.Message(m, c.leg.Node)
	c.pop(s.ID, "message", c.context())
}
