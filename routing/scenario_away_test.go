package routing_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"callsvc/api/record"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/arictl"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
	"callsvc/routing/spool"
)

// awayKit is what an away scenario adds: the message writer and the
// screen pops.
type awayKit struct {
	messages *spool.MessageWriter
	screen   *screenLog
	notices  *noticeLog
}

// noticeLog collects notices for people: a hand-written PersonNotifier.
type noticeLog struct {
	screenLog
	sent chan routing.Notice // every notice, for tests to wait on
}

func (n *noticeLog) NotifyPerson(_ context.Context, x routing.Notice) error {
	n.AgentEvent(record.AgentEvent{StaffID: x.StaffID, Type: x.Type})
	n.sent <- x
	return nil
}

// next waits for the next notice.
func (n *noticeLog) next(t *testing.T, ctx context.Context) routing.Notice {
	t.Helper()
	select {
	case x := <-n.sent:
		return x
	case <-ctx.Done():
		t.Fatal("no notice sent")
		return routing.Notice{}
	}
}

// newAwayScenario wires presence from the store, phone states and message
// audio from the stand-in over ARI, and a message writer on a spool, as
// cmd/callsvc does. Limits not under test are generous.
func newAwayScenario(t *testing.T, urgent time.Duration) (*scenario, *awayKit) {
	t.Helper()
	kit := &awayKit{screen: &screenLog{}, notices: &noticeLog{sent: make(chan routing.Notice, 16)}}
	sc := newScenario(t, scenarioOptions{screen: kit.screen, away: func(sc *scenario) routing.AwayConfig {
		ctl := arictl.New(sc.client, arictl.Options{})
		w, err := spool.NewMessageWriter(sc.store, spool.MessageWriterOptions{Dir: t.TempDir(), Fetcher: ctl,
			Notifier: kit.notices, Retry: 50 * time.Millisecond, Log: sc.log.log})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		kit.messages = w
		if urgent == 0 {
			urgent = 10 * time.Minute
		}
		return routing.AwayConfig{Presence: sc.store, Phones: ctl, Messages: w, Notifier: kit.notices,
			Location: shanghai, UrgentTimeout: urgent, MessageMax: 10 * time.Minute, MessageSilence: 5 * time.Minute}
	}})
	return sc, kit
}

func (sc *scenario) setPresence(p record.Presence) {
	sc.t.Helper()
	if _, err := sc.store.SetPresence(sc.ctx, p); err != nil {
		sc.t.Fatal(err)
	}
}

// askFor dials in, asks for ext at the menu and waits for the away options.
func (sc *scenario) askFor(ext string) pbxtest.Caller {
	sc.t.Helper()
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "4")
	sc.hear(caller, zhm(prompt.KeyEnterExtension))
	sc.press(caller, ext+"#")
	sc.hear(caller, zhm(prompt.KeyAwayOptCallback))
	return caller
}

// awayCall makes 王經理 (2001, sales; a phone that answers only when the
// test says so) status and asks for him: the caller is at the away options.
func awayCall(t *testing.T, urgent time.Duration, status string) (*scenario, *awayKit, record.Staff, pbxtest.Phone, pbxtest.Caller) {
	t.Helper()
	sc, kit := newAwayScenario(t, urgent)
	s := sc.addStaff("王經理", "2001", "sales")
	phone := sc.phone(s.Extension, pbxtest.PhoneOptions{Manual: true})
	sc.setPresence(record.Presence{StaffID: s.ID, Status: status})
	return sc, kit, s, phone, sc.askFor(s.Extension)
}

func (sc *scenario) liveCallID() string {
	sc.t.Helper()
	live := sc.eng.Live()
	if len(live) != 1 {
		sc.t.Fatalf("%d live calls, want 1", len(live))
	}
	return live[0].ID
}

// S16-S19: the wording follows the person's status; a known place and the
// return time (as a time of day) are said for someone out, free text is
// not; then a callback asked for (4) is promised for a time and recorded.
func TestAwayWordingFollowsStatus(t *testing.T) {
	t.Parallel()
	back := time.Date(2026, 11, 27, 15, 30, 0, 0, shanghai)
	lead := []string{zhm(prompt.KeyAwayColleague)}
	cases := []struct {
		name     string
		p        record.Presence
		phone    aritest.PhoneOptions
		status   string
		want     []string
		promised time.Time // local; zero: 30 min after the call
		never    []string
	}{
		{"S16Meeting", record.Presence{Status: record.PresenceMeeting}, aritest.PhoneOptions{Manual: true},
			record.PresenceMeeting, append(lead, zhm(prompt.KeyAwayMeeting), zhm(prompt.KeyAwayCanIHelp)), time.Time{}, nil},
		{"S17Visitor", record.Presence{Status: record.PresenceVisitor}, aritest.PhoneOptions{Manual: true},
			record.PresenceVisitor, append(lead, zhm(prompt.KeyAwayVisitor), zhm(prompt.KeyAwayCanIHelp)), time.Time{}, nil},
		{"S18OutAtAKnownPlaceBackAtHalfPastThree", record.Presence{Status: record.PresenceOut, Where: "浦東倉庫", BackAt: &back},
			aritest.PhoneOptions{Manual: true}, record.PresenceOut,
			append(lead, zhm(prompt.KeyAwayOut), zhm(prompt.KeyPlaceWarehouse), zhm(prompt.KeyAwayBackAround),
				zhm(prompt.KeyTimeAfternoon), "number:3", zhm(prompt.KeyTimeOClock), zhm(prompt.KeyTimeHalf),
				zhm(prompt.KeyAwayBackEnd), zhm(prompt.KeyAwayCanIHelp)),
			time.Date(2026, 11, 27, 16, 0, 0, 0, shanghai), nil},
		{"S18OutSomewhereUnsaid", record.Presence{Status: record.PresenceOut, Where: "王太太的午宴"}, aritest.PhoneOptions{Manual: true},
			record.PresenceOut, append(lead, zhm(prompt.KeyAwayOut), zhm(prompt.KeyAwayCanIHelp)), time.Time{},
			[]string{zhm(prompt.KeyAwayBackAround), zhm(prompt.KeyPlaceCustomer), zhm(prompt.KeyPlaceWarehouse)}},
		{"S19Event", record.Presence{Status: record.PresenceEvent, Where: "年會"}, aritest.PhoneOptions{Manual: true},
			record.PresenceEvent, append(lead, zhm(prompt.KeyAwayEvent), zhm(prompt.KeyAwayCanIHelp)), time.Time{}, nil},
		{"OffDuty", record.Presence{Status: record.PresenceOffDuty}, aritest.PhoneOptions{Manual: true},
			record.PresenceOffDuty, append(lead, zhm(prompt.KeyAwayOffDuty), zhm(prompt.KeyAwayCanIHelp)), time.Time{}, nil},
		{"PhoneUnreachable", record.Presence{Status: record.PresenceAvailable}, aritest.PhoneOptions{Unregistered: true},
			record.PresenceUnreachable, append(lead, zhm(prompt.KeyAwayNoPhone), zhm(prompt.KeyAwayCanIHelp)), time.Time{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc, _ := newAwayScenario(t, 0)
			s := sc.addStaff("王經理", "2001", "sales")
			sc.srv.AddPhone(s.Endpoint, tc.phone)
			tc.p.StaffID = s.ID
			sc.setPresence(tc.p)
			caller := sc.askFor("2001")
			inOrder(t, "heard", caller.Heard(), append(tc.want, zhm(prompt.KeyAwayOptMessage), zhm(prompt.KeyAwayOptColleague),
				zhm(prompt.KeyAwayOptUrgent), zhm(prompt.KeyAwayOptCallback))...)
			sc.press(caller, "4")
			sc.hear(caller, zhm(prompt.KeyAnythingElse))
			caller.Hangup(sc.ctx)
			c, evs := sc.done()
			for _, h := range tc.never {
				if slices.Contains(caller.Heard(), h) {
					t.Errorf("caller heard %s: %v", h, caller.Heard())
				}
			}
			if d := eventData(t, evs, "away"); d["status"] != tc.status || d["staff_id"] != s.ID {
				t.Fatalf("away event %v, want status %s", d, tc.status)
			}
			if c.Outcome != record.OutcomeCallbackRequested {
				t.Fatalf("outcome %q, want callback_requested", c.Outcome)
			}
			d := eventData(t, evs, "callback_requested")
			at, err := time.Parse(time.RFC3339, fmt.Sprint(d["promised_at"]))
			if err != nil {
				t.Fatalf("promised_at %v: %v", d["promised_at"], err)
			}
			if !tc.promised.IsZero() && !at.Equal(tc.promised) {
				t.Fatalf("promised %v, want %v (half an hour after they are back)", at.In(shanghai), tc.promised)
			}
			if tc.promised.IsZero() && (at.Before(c.ArrivedAt) || at.After(c.ArrivedAt.Add(time.Hour))) {
				t.Fatalf("promised %v for a call at %v", at, c.ArrivedAt)
			}
			inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyCallbackBooked))
		})
	}
}

// A person already on a call is "on another call"; the engine knows it
// from its own reservation, not from anything typed in.
func TestAwayOnAnotherCall(t *testing.T) {
	t.Parallel()
	sc, _ := newAwayScenario(t, 0)
	s := sc.addStaff("王經理", "2001", "sales")
	phone := sc.phone(s.Extension, pbxtest.PhoneOptions{Manual: true})
	first := sc.dial("+8613800138001")
	sc.hear(first, zhm(prompt.KeyMenuDesk))
	sc.press(first, "4")
	sc.hear(first, zhm(prompt.KeyEnterExtension))
	sc.press(first, "2001#")
	leg, err := phone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := leg.Answer(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	second := sc.askFor("2001")
	inOrder(t, "heard", second.Heard(), zhm(prompt.KeyAwayColleague), zhm(prompt.KeyAwayOnCall))
	second.Hangup(sc.ctx)
	first.Hangup(sc.ctx)
	sc.doneAll()
}

// message answers the away options with 1 and speaks a message; it
// returns the recording's name.
func (sc *scenario) message(caller pbxtest.Caller, take int, pcm []byte) string {
	sc.t.Helper()
	sc.hear(caller, zhm(prompt.KeyMessageInstructions))
	if err := sc.tap.wait(sc.ctx, "message_recording", take); err != nil {
		sc.t.Fatal(err)
	}
	name := fmt.Sprintf("callsvc-%s-message-1-%d", strings.ToLower(sc.liveCallID()), take)
	if pcm != nil {
		sc.srv.SetRecordingAudio(name, pcm)
	}
	if err := caller.Speak(sc.ctx, 2*time.Second); err != nil {
		sc.t.Fatal(err)
	}
	return name
}

func (sc *scenario) messagesFor(staffID string) []record.Message {
	sc.t.Helper()
	page, err := sc.store.ListMessages(sc.ctx, record.MessageFilter{ForStaffID: staffID})
	if err != nil {
		sc.t.Fatal(err)
	}
	return page.Messages
}

func pcmOf(n int, seed byte) []byte {
	b := make([]byte, 2*n)
	for i := range b {
		b[i] = byte(i*7) ^ seed
	}
	return b
}

// A blind transfer to someone away hands the caller to the away wording
// and options (S16-S19) instead of ringing them; the agent is told
// "away" and leaves; here the caller then asks for a callback from them.
func TestBlindTransferToSomeoneAway(t *testing.T) {
	t.Parallel()
	sc, _ := newAwayScenario(t, 0)
	deskPerson := sc.addStaff("李服務", "2000", "desk")
	desk := sc.phone(deskPerson.Extension, pbxtest.PhoneOptions{})
	s := sc.addStaff("王經理", "2001", "sales")
	sc.phone(s.Extension, pbxtest.PhoneOptions{Manual: true})
	sc.setPresence(record.Presence{StaffID: s.ID, Status: record.PresenceMeeting})
	caller, _, id := agentCall(t, sc, desk)
	res, err := sc.eng.Transfer(sc.ctx, record.TransferRequest{CallID: id, By: deskPerson.ID, Mode: record.TransferBlind,
		ToExtension: "2001", Note: "問報價"})
	if err != nil || res.Status != "away" || res.TargetStaffID != s.ID {
		t.Fatalf("transfer: %+v, %v", res, err)
	}
	sc.hear(caller, zhm(prompt.KeyAwayMeeting))
	sc.hear(caller, zhm(prompt.KeyAwayOptCallback))
	sc.press(caller, "4")
	sc.hear(caller, zhm(prompt.KeyCallbackBooked))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	inOrder(t, "timeline", types(evs), "connected", "note_added", "transfer_requested", "staff_left", "away", "callback_requested")
	if c.Outcome != record.OutcomeCallbackRequested || c.OwnerStaffID != deskPerson.ID {
		t.Fatalf("outcome %q owner %q", c.Outcome, c.OwnerStaffID)
	}
	if hasType(evs, record.EventTransferRefused) {
		t.Fatalf("timeline %v", types(evs))
	}
}
