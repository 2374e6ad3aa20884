package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// urgentWait is what a call holding for an urgent answer waits on.
type urgentWait struct {
	mu      sync.Mutex
	staffID string // whose answer is awaited; "" when none is
	answers chan bool
}

func (u *urgentWait) waitingFor() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.staffID
}

func (u *urgentWait) set(staffID string) {
	u.mu.Lock()
	u.staffID = staffID
	u.mu.Unlock()
}

// AnswerUrgent is a person's answer to a caller holding for them with an
// urgent matter (S16, S17, S19): accept puts the caller through to their
// phone, decline takes the caller back to the options. The API's POST
// /v1/calls/{id}/urgent calls it for the agent whose token it is. A call
// not live here is ENotFound; one not waiting for staffID's answer is
// EConflict.
func (e *Engine) AnswerUrgent(ctx context.Context, callID, staffID string, accept bool) error {
	e.mu.Lock()
	c := e.calls[callID]
	e.mu.Unlock()
	if c == nil {
		return record.Errorf(record.ENotFound, "call %s is not live on this engine", callID)
	}
	if w := c.urg.waitingFor(); w == "" || w != staffID {
		return record.Errorf(record.EConflict, "call %s is not waiting for this person's answer", callID)
	}
	t := e.cfg.Clock.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case c.urg.answers <- accept:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("answer urgent call: %w", ctx.Err())
	case <-c.ctx.Done():
		return record.Errorf(record.ENotFound, "call %s has ended", callID)
	case <-t.C():
		return record.Errorf(record.EConflict, "call %s is no longer waiting for an answer", callID)
	}
}

// urgent holds the caller (music) while s is told on their screen and,
// optionally, by webhook; s accepts or declines within UrgentTimeout.
// done is true when the caller was put through and the matter is over;
// false takes the caller back to the options (after the wording for a
// decline or no reply).
func (c *call) urgent(s record.Staff, st record.EffectiveStatus) (done bool, err error) {
	timeout := c.e.cfg.Away.UrgentTimeout
	if _, err := c.play(false, c.media(prompt.KeyUrgentHold)); err != nil {
		return false, err
	}
	if err := c.e.cfg.Control.StartMOH(c.ctx, c.leg); err != nil {
		return false, c.controlErr("music on hold", err)
	}
	// Waiting from here: the person may answer the instant they are told.
	c.urg.set(s.ID)
	cc := c.context()
	c.pop(s.ID, "urgent", cc)
	c.notifyUrgent(s, cc, c.now().Add(timeout))
	c.event(s.ID, record.UrgentRequestedData{StaffID: s.ID, Status: st.Status, TimeoutS: int(timeout / time.Second)})
	answer, err := c.awaitUrgent(timeout)
	c.urg.set("")
	if err != nil {
		return false, err
	}
	if answer != "accepted" {
		c.pop(s.ID, "urgent_closed", c.context())
	}
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return false, c.controlErr("stop music on hold", err)
	}
	switch answer {
	case "declined":
		c.event(s.ID, record.UrgentDeclinedData{StaffID: s.ID})
		_, err := c.play(false, c.media(prompt.KeyUrgentDeclined))
		return false, err
	case "timeout":
		c.event(s.ID, record.UrgentTimeoutData{StaffID: s.ID})
		_, err := c.play(false, c.media(prompt.KeyUrgentNoReply))
		return false, err
	}
	c.event(s.ID, record.UrgentAcceptedData{StaffID: s.ID})
	if !c.e.reserve(c.ctx, s.ID, c.rec.ID) {
		c.event(s.ID, record.UrgentUnavailableData{Reason: "held by another call"})
		_, err := c.play(false, c.media(prompt.KeyUrgentNoReply))
		return false, err
	}
	h, err := c.tryPerson(s, "")
	switch {
	case h != nil:
		return true, c.passOn(h)
	case failed(err):
		_, err := c.play(false, c.media(prompt.KeyUrgentNoReply))
		return false, err
	case err != nil:
		return false, err
	}
	return true, nil
}

// awaitUrgent waits for the person's answer: "accepted", "declined" or
// "timeout"; an error when the caller left.
func (c *call) awaitUrgent(timeout time.Duration) (string, error) {
	deadline := c.now().Add(timeout)
	for {
		left := deadline.Sub(c.now())
		if left <= 0 {
			return "timeout", nil
		}
		w, err := c.next(left)
		if errors.Is(err, errTimeout) {
			return "timeout", nil
		}
		if err != nil {
			return "", err
		}
		switch w := w.(type) {
		case urgentAnswer:
			if w.accept {
				return "accepted", nil
			}
			return "declined", nil
		case callerEvent:
			if w.Kind == EvDTMF {
				c.typed.push(w.Digit)
			}
		}
	}
}

// notifyUrgent sends the urgent notice off the call's path: the caller
// holds meanwhile, and a slow webhook must not hold them longer.
func (c *call) notifyUrgent(s record.Staff, cc record.CallContext, answerBy time.Time) {
	n := c.e.cfg.Away.Notifier
	if n == nil {
		return
	}
	data, _ := json.Marshal(map[string]any{"call_id": c.rec.ID, "context": cc, "answer_by": answerBy.UTC()})
	notice := Notice{ID: ulid.Make().String(), Type: NoticeUrgent, StaffID: s.ID, At: c.now(), Data: data}
	ctx, cancel := context.WithTimeout(c.ctx, c.e.cfg.Away.UrgentTimeout)
	clk := c.e.cfg.Clock
	clk.Busy() // the notice on its way is a party of its own
	go func() {
		defer clk.Idle()
		defer cancel()
		if err := n.NotifyPerson(ctx, notice); err != nil {
			c.e.cfg.Log("warn", "urgent notice not delivered", map[string]any{"call_id": c.rec.ID, "staff_id": s.ID, "error": err.Error()})
		}
	}()
}
