package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
)

// EventType names a step on a call's timeline. Only the constants below
// are written: the engine writes an event by its payload (EventData),
// whose type names the step, so a misspelt type does not compile.
type EventType string

// The timeline's vocabulary, in the order a call meets it. Timeline()
// says what each means; docs/timeline.md lists them with their fields.
const (
	EventArrived            EventType = "arrived"
	EventRinging            EventType = "ringing"
	EventAnswered           EventType = "answered"
	EventCustomerIdentified EventType = "customer_identified"
	EventGreeted            EventType = "greeted"
	EventMenuChoice         EventType = "menu_choice"
	EventMenuFallback       EventType = "menu_fallback"
	EventNameLookup         EventType = "name_lookup"
	EventRouted             EventType = "routed"
	EventSupervisorNotice   EventType = "supervisor_notice"
	EventRecordingStarted   EventType = "recording_started"
	EventRecordingKept      EventType = "recording_kept"
	EventRecordingFailed    EventType = "recording_failed"
	EventTransferNext       EventType = "transfer_next"
	EventRingingStaff       EventType = "ringing_staff"
	EventStaffAnswered      EventType = "staff_answered"
	EventWhisperPlayed      EventType = "whisper_played"
	EventConnected          EventType = "connected"
	EventStaffNoAnswer      EventType = "staff_no_answer"
	EventTransferAbandoned  EventType = "transfer_abandoned"
	EventStaffLeft          EventType = "staff_left"
	EventNoteAdded          EventType = "note_added"
	EventTransferRequested  EventType = "transfer_requested"
	EventTransferRefused    EventType = "transfer_refused"
	EventConsultStarted     EventType = "consult_started"
	EventConsultConnected   EventType = "consult_connected"
	EventConsultAbandoned   EventType = "consult_abandoned"
	EventTransferCancelled  EventType = "transfer_cancelled"
	EventTransferCompleted  EventType = "transfer_completed"
	EventAway               EventType = "away"
	EventAwayChoice         EventType = "away_choice"
	EventAwayNoColleague    EventType = "away_no_colleague"
	EventUrgentRequested    EventType = "urgent_requested"
	EventUrgentAccepted     EventType = "urgent_accepted"
	EventUrgentDeclined     EventType = "urgent_declined"
	EventUrgentTimeout      EventType = "urgent_timeout"
	EventUrgentUnavailable  EventType = "urgent_unavailable"
	EventMessageRecording   EventType = "message_recording"
	EventMessageRerecord    EventType = "message_rerecord"
	EventMessageCancelled   EventType = "message_cancelled"
	EventMessageTaken       EventType = "message_taken"
	EventCallbackRequested  EventType = "callback_requested"
	EventCallbackPromised   EventType = "callback_promised"
	EventAnythingElse       EventType = "anything_else"
	EventError              EventType = "error"
	EventChannelLost        EventType = "channel_lost"
	EventShutdown           EventType = "shutdown"
	EventEnded              EventType = "ended"
	EventOutcome            EventType = "outcome"
)

// EventData is the payload of one event type; the payload names its type.
// A payload that encodes as {} is written without data.
type EventData interface {
	EventType() EventType
}

// EventInfo declares one event type.
type EventInfo struct {
	Meaning string    // one line, as in the OpenAPI document
	Data    EventData // the payload's zero value
}

// Type is the event type the payload names.
func (i EventInfo) Type() EventType { return i.Data.EventType() }

// New returns a pointer to a new zero payload, to decode into.
func (i EventInfo) New() EventData {
	return reflect.New(reflect.TypeOf(i.Data)).Interface().(EventData)
}

// timeline is the registry: every type the engine writes, once, in the
// order of the constants. The OpenAPI document and docs/timeline.md are
// checked against it.
var timeline = []EventInfo{
	{"The call reached the engine.", ArrivedData{}},
	{"The caller hears ringing while the engine waits for the answer ring (S1).", RingingData{}},
	{"The engine answered the call (S1).", AnsweredData{}},
	{"The caller's number was found in the customer file (S13).", CustomerIdentifiedData{}},
	{"The caller heard the greeting (S2, S3).", GreetedData{}},
	{"The caller chose from the menu (or the desk was chosen after no valid choice).", MenuChoiceData{}},
	{"No valid menu choice after three tries: the desk takes the call.", MenuFallbackData{}},
	{"A name keyed on the keypad was looked up in the directory.", NameLookupData{}},
	{"The routing decision for a matter: which rule, why, and to whom.", RoutedData{}},
	{"The supervisors were told something (S10).", SupervisorNoticeData{}},
	{"The machine started recording the caller's matter (S7, S14).", RecordingStartedData{}},
	{"The caller's recording was kept.", RecordingKeptData{}},
	{"Asterisk could not record.", RecordingFailedData{}},
	{"The next free person of the department (or the desk) is tried.", TransferNextData{}},
	{"A person's phone rings with the call's context (S11).", RingingStaffData{}},
	{"The person rung answered.", StaffAnsweredData{}},
	{"The person heard the whisper of who is calling and why (S11).", WhisperPlayedData{}},
	{"The caller and the person were bridged.", ConnectedData{}},
	{"The person rung did not take the call.", StaffNoAnswerData{}},
	{"The caller left while a person was being reached.", TransferAbandonedData{}},
	{"The person left the call.", StaffLeftData{}},
	{"A note was added to the call (S11: it travels with the call).", NoteAddedData{}},
	{"An agent or supervisor asked to pass the call on (S11, S15).", TransferRequestedData{}},
	{"A transfer request was refused.", TransferRefusedData{}},
	{"An attended transfer began: the caller holds while the agent rings the target.", ConsultStartedData{}},
	{"The agent and the target of an attended transfer are talking.", ConsultConnectedData{}},
	{"The agent left during an attended transfer: the target takes the caller.", ConsultAbandonedData{}},
	{"An attended transfer was cancelled or failed: the caller is back with the agent.", TransferCancelledData{}},
	{"An attended transfer completed: the caller is with the target, the agent dropped (S15).", TransferCompletedData{}},
	{"The person asked for cannot take the call; the caller heard why and the options (S16-S19).", AwayData{}},
	{"The caller's key at the away options.", AwayChoiceData{}},
	{"The caller asked for a colleague but none of the department is free.", AwayNoColleagueData{}},
	{"The caller said it is urgent: the person is asked to accept or decline.", UrgentRequestedData{}},
	{"The person accepted the urgent call.", UrgentAcceptedData{}},
	{"The person declined the urgent call.", UrgentDeclinedData{}},
	{"The person did not answer the urgent request in time.", UrgentTimeoutData{}},
	{"The person accepted, but another call took them meanwhile.", UrgentUnavailableData{}},
	{"A message is being recorded for the person.", MessageRecordingData{}},
	{"The caller chose to record the message again.", MessageRerecordData{}},
	{"The caller cancelled the message.", MessageCancelledData{}},
	{"A message was taken for the person.", MessageTakenData{}},
	{"A callback from the person was booked for a promised time (S12).", CallbackRequestedData{}},
	{"Nobody could take the matter: the caller was promised a callback (S12).", CallbackPromisedData{}},
	{"The caller's answer to \"anything else?\" (S8).", AnythingElseData{}},
	{"The call's handling failed.", ErrorData{}},
	{"The caller's channel vanished while the engine was disconnected from Asterisk.", ChannelLostData{}},
	{"The engine shut down during the call.", ShutdownData{}},
	{"The call ended.", EndedData{}},
	{"The call's outcome, as on its summary.", OutcomeData{}},
}

var timelineByType = func() map[EventType]EventInfo {
	m := make(map[EventType]EventInfo, len(timeline))
	for _, i := range timeline {
		m[i.Type()] = i
	}
	return m
}()

// Timeline returns the declared event types, in the order a call meets them.
func Timeline() []EventInfo { return slices.Clone(timeline) }

// LookupEvent returns the declaration of t.
func LookupEvent(t EventType) (EventInfo, bool) {
	i, ok := timelineByType[t]
	return i, ok
}

// ErrUnknownEventType is returned for a type that is not declared.
var ErrUnknownEventType = errors.New("not a timeline event type")

// DecodeEventData decodes data as t's payload, refusing fields the payload
// does not declare. Empty data is the zero payload.
func DecodeEventData(t EventType, data json.RawMessage) (EventData, error) {
	i, ok := LookupEvent(t)
	if !ok {
		return nil, fmt.Errorf("%q: %w", t, ErrUnknownEventType)
	}
	p := i.New()
	if len(bytes.TrimSpace(data)) == 0 {
		return p, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, err
	}
	return p, nil
}

// EncodeEventData is d as an event's data: nil when it encodes as {}.
func EncodeEventData(d EventData) (json.RawMessage, error) {
	b, err := json.Marshal(d)
	if err != nil || string(b) == "{}" {
		return nil, err
	}
	return b, nil
}
