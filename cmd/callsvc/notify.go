package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"callsvc/api/record"
	"callsvc/routing"
)

// supervisorNoticeType is the screen-pop event type of an S10 notice.
const supervisorNoticeType = "supervisor_notice"

// staffLister is the part of the store the notifier and the dialplan
// renderer read.
type staffLister interface {
	ListStaff(ctx context.Context, q record.ListQuery) ([]record.Staff, string, error)
}

// allStaff reads the whole staff directory, page by page.
func allStaff(ctx context.Context, st staffLister) ([]record.Staff, error) {
	var staff []record.Staff
	q := record.ListQuery{Limit: 500}
	for {
		page, next, err := st.ListStaff(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		staff = append(staff, page...)
		if next == "" {
			return staff, nil
		}
		q.Cursor = next
	}
}

// supervisorScreens tells every active supervisor, on their screen-pop
// stream, what the desk must report (S10: a caller asked for the general
// manager). The engine calls it on the call's path, so the directory read
// and the writes happen off it.
type supervisorScreens struct {
	staff   staffLister
	screens *routing.ScreenWriter
	log     zerolog.Logger
	now     func() time.Time
}

var _ routing.Notifier = (*supervisorScreens)(nil)

func (n *supervisorScreens) NotifySupervisor(ctx context.Context, callID, kind, text string) {
	at := n.now().UTC()
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		staff, err := allStaff(ctx, n.staff)
		if err != nil {
			n.log.Warn().Err(err).Str("call_id", callID).Str("kind", kind).Msg("supervisor notice not sent: directory unreadable (it is on the call's timeline)")
			return
		}
		sent := 0
		for _, s := range staff {
			if s.Role != record.RoleSupervisor || !s.Active {
				continue
			}
			n.screens.AgentEvent(record.AgentEvent{
				StaffID: s.ID, CallID: callID, Type: supervisorNoticeType, At: at,
				Context: record.CallContext{CallID: callID, Notes: []string{text}},
			})
			sent++
		}
		if sent == 0 {
			n.log.Warn().Str("call_id", callID).Str("kind", kind).Msg("no active supervisor in the directory to tell (the notice is on the call's timeline)")
		}
	}()
}
