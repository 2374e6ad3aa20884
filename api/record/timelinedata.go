package record

// The payloads. Their JSON keys are the timeline's stored keys: renaming
// one breaks stored events and clients. A field with omitempty (or a
// pointer) is written only in some cases, as its comment says.

// ArrivedData: the numbers as Asterisk gave them.
type ArrivedData struct {
	CallerNumber string `json:"caller_number"` // normalised
	Dialed       string `json:"dialed"`
}

// RingingData has no fields.
type RingingData struct{}

// AnsweredData says how quickly (S1).
type AnsweredData struct {
	RingsToAnswer int `json:"rings_to_answer"`
	AnswerMS      int `json:"answer_ms"`
}

// CustomerIdentifiedData names the customer.
type CustomerIdentifiedData struct {
	CustomerID string `json:"customer_id"`
	VIP        bool   `json:"vip"`
}

// GreetedData is the greeting said.
type GreetedData struct {
	Form    string `json:"form"` // a greeting prompt: hello, good_morning, happy_new_year...
	Named   bool   `json:"named"`
	Holiday string `json:"holiday,omitempty"` // the festival greeted, if any
	Text    string `json:"text,omitempty"`    // the words, when the engine has the catalogue
}

// MenuChoiceData is the choice and how it was made.
type MenuChoiceData struct {
	Intent    string  `json:"intent"` // an Intent* constant
	Attempt   int     `json:"attempt"`
	Digit     string  `json:"digit,omitempty"`
	By        string  `json:"by,omitempty"`        // extension, name
	Extension string  `json:"extension,omitempty"` // by extension
	Keyed     *string `json:"keyed,omitempty"`     // by name: the keys, possibly none
	Fallback  bool    `json:"fallback,omitempty"`
}

// MenuFallbackData lists the keys tried ("" for none).
type MenuFallbackData struct {
	Inputs []string `json:"inputs"`
}

// NameLookupData is one try at a name.
type NameLookupData struct {
	Keyed   string `json:"keyed"`
	Matches int    `json:"matches"`
	Attempt int    `json:"attempt"`
}

// RoutedData is a routing decision.
type RoutedData struct {
	Rule             string `json:"rule"`
	Reason           string `json:"reason"`
	Target           string `json:"target"` // person, desk, after_hours, recording
	Department       string `json:"department,omitempty"`
	StaffID          string `json:"staff_id,omitempty"`
	RequestedStaffID string `json:"requested_staff_id,omitempty"` // the person asked for, when another takes it
}

// SupervisorNoticeData is what the supervisors were told.
type SupervisorNoticeData struct {
	Kind string `json:"kind"` // general_manager_request
	Text string `json:"text"`
}

// RecordingStartedData names the recording.
type RecordingStartedData struct {
	Recording string `json:"recording"`
	Intent    string `json:"intent"`
}

// RecordingKeptData: finished (with its length) or cut by the caller's hangup.
type RecordingKeptData struct {
	Recording string `json:"recording"`
	Intent    string `json:"intent"`
	Ended     string `json:"ended,omitempty"`      // caller_hung_up
	DurationS *int   `json:"duration_s,omitempty"` // when it finished
}

// RecordingFailedData is Asterisk's cause.
type RecordingFailedData struct {
	Recording string `json:"recording"`
	Cause     string `json:"cause"`
}

// TransferNextData is the next person tried.
type TransferNextData struct {
	Attempt    int    `json:"attempt"`
	Department string `json:"department"`
	StaffID    string `json:"staff_id"`
	Rule       string `json:"rule"` // the decision's rule, or desk_fallback
}

// RingingStaffData is the ring and what travels with it.
type RingingStaffData struct {
	Endpoint    string       `json:"endpoint"`
	Attempt     int          `json:"attempt"`
	Summary     string       `json:"summary"`
	Context     *CallContext `json:"context,omitempty"`       // not on an attended transfer's ring
	FromStaffID string       `json:"from_staff_id,omitempty"` // a transfer's
	Mode        string       `json:"mode,omitempty"`          // attended
}

// StaffAnsweredData: Mode is set on an attended transfer's target.
type StaffAnsweredData struct {
	Mode string `json:"mode,omitempty"`
}

// WhisperPlayedData: how long it took, or the mode on an attended transfer.
type WhisperPlayedData struct {
	WhisperMS *int64 `json:"whisper_ms,omitempty"`
	Mode      string `json:"mode,omitempty"`
}

// ConnectedData is the bridge and who has taken the call so far.
type ConnectedData struct {
	StaffID   string `json:"staff_id"`
	Extension string `json:"extension"`
	Bridge    string `json:"bridge"`
	// AnswerToBridgeUS is the engine's own share of answer-to-bridge (the
	// whisper's playing time excluded); not on a completed attended transfer.
	AnswerToBridgeUS *int64   `json:"answer_to_bridge_us,omitempty"`
	Chain            []string `json:"chain"`
	// BridgeMS was written by early engines (whisper end to bridge); it
	// is declared so that their events still read and replay.
	BridgeMS *int64 `json:"bridge_ms,omitempty"`
}

// StaffNoAnswerData says why.
type StaffNoAnswerData struct {
	Reason  string `json:"reason"` // no_answer, originate_failed, hung_up_during_whisper, hung_up_before_bridge, or Asterisk's dial status
	Attempt int    `json:"attempt"`
	Mode    string `json:"mode,omitempty"` // attended
}

// TransferAbandonedData says when the caller left.
type TransferAbandonedData struct {
	StaffID string `json:"staff_id"`
	During  string `json:"during"` // ringing, whisper
}

// StaffLeftData: set when the person passed the call on.
type StaffLeftData struct {
	TransferredTo string `json:"transferred_to,omitempty"`
	Away          bool   `json:"away,omitempty"` // the target is away: the caller hears the away options
}

// NoteAddedData is the note.
type NoteAddedData struct {
	Text string `json:"text"`
	// Live is false on a note the API added to a stored call (no engine
	// had it live); the engine leaves it out.
	Live *bool `json:"live,omitempty"`
}

// TransferRequestedData is the request as resolved.
type TransferRequestedData struct {
	Mode        string `json:"mode"` // a Transfer* constant
	FromStaffID string `json:"from_staff_id"`
	ToStaffID   string `json:"to_staff_id"`
	Department  string `json:"department,omitempty"` // asked for by department
	By          string `json:"by,omitempty"`         // supervisor, when not the agent
	Away        string `json:"away,omitempty"`       // why the target cannot take calls now
}

// TransferRefusedData says why.
type TransferRefusedData struct {
	Mode  string `json:"mode"`
	Error string `json:"error"`
}

// ConsultStartedData names the agent and the target.
type ConsultStartedData struct {
	FromStaffID string `json:"from_staff_id"`
	ToStaffID   string `json:"to_staff_id"`
}

// ConsultConnectedData is the agent and target's bridge.
type ConsultConnectedData struct {
	FromStaffID string `json:"from_staff_id"`
	Bridge      string `json:"bridge"`
}

// ConsultAbandonedData names the target.
type ConsultAbandonedData struct {
	ToStaffID string `json:"to_staff_id"`
}

// TransferCancelledData says why.
type TransferCancelledData struct {
	Reason    string `json:"reason"` // cancelled, target_left, or as StaffNoAnswerData
	ToStaffID string `json:"to_staff_id"`
	Bridge    string `json:"bridge,omitempty"` // the caller and agent's new bridge, when the agent is still there
}

// TransferCompletedData is the new bridge and chain.
type TransferCompletedData struct {
	FromStaffID string   `json:"from_staff_id"`
	ToStaffID   string   `json:"to_staff_id"`
	Chain       []string `json:"chain"`
	Bridge      string   `json:"bridge"`
	Reason      string   `json:"reason,omitempty"` // agent_hung_up, when the agent's hangup completed it
}

// AwayData is the person's status and what the caller heard.
type AwayData struct {
	StaffID   string `json:"staff_id"`
	Status    string `json:"status"` // a Presence* status
	Reason    string `json:"reason"`
	PlaceSaid bool   `json:"place_said"`
	BackSaid  bool   `json:"back_said"`
	Where     string `json:"where,omitempty"`
	BackAt    string `json:"back_at,omitempty"` // RFC 3339, UTC, whole seconds
}

// AwayChoiceData is the key ("" for none) and the try.
type AwayChoiceData struct {
	Digit   string `json:"digit"`
	Attempt int    `json:"attempt"`
}

// AwayNoColleagueData names the department.
type AwayNoColleagueData struct {
	Department string `json:"department"`
}

// UrgentRequestedData is the person asked and how long they have.
type UrgentRequestedData struct {
	StaffID  string `json:"staff_id"`
	Status   string `json:"status"`
	TimeoutS int    `json:"timeout_s"`
}

// UrgentAcceptedData names the person.
type UrgentAcceptedData struct {
	StaffID string `json:"staff_id"`
}

// UrgentDeclinedData names the person.
type UrgentDeclinedData struct {
	StaffID string `json:"staff_id"`
}

// UrgentTimeoutData names the person.
type UrgentTimeoutData struct {
	StaffID string `json:"staff_id"`
}

// UrgentUnavailableData says why.
type UrgentUnavailableData struct {
	Reason string `json:"reason"`
}

// MessageRecordingData is the recording and take.
type MessageRecordingData struct {
	Recording string `json:"recording"`
	Take      int    `json:"take"`
}

// MessageRerecordData is the take discarded.
type MessageRerecordData struct {
	Recording string `json:"recording"`
	Take      int    `json:"take"`
}

// MessageCancelledData is the take cancelled.
type MessageCancelledData struct {
	Recording string `json:"recording"`
	Take      int    `json:"take"`
}

// MessageTakenData is the message as stored.
type MessageTakenData struct {
	MessageID      string `json:"message_id"`
	ForStaffID     string `json:"for_staff_id"`
	Recording      string `json:"recording"`
	DurationMS     int    `json:"duration_ms"`
	Partial        bool   `json:"partial"`
	CallbackNumber string `json:"callback_number"`
	Ended          string `json:"ended"` // kept, hung_up_recording, hung_up_read_back, hung_up_callback_number
}

// CallbackRequestedData is the promise.
type CallbackRequestedData struct {
	StaffID        string `json:"staff_id"`
	PromisedAt     string `json:"promised_at"` // RFC 3339, UTC, whole minutes
	CallbackNumber string `json:"callback_number"`
	Why            string `json:"why"` // caller_chose, no_choice
}

// CallbackPromisedData is the rule that found nobody.
type CallbackPromisedData struct {
	Rule string `json:"rule"`
}

// AnythingElseData is the key ("1": yes; "" for none).
type AnythingElseData struct {
	Answer string `json:"answer"`
}

// ErrorData is what failed.
type ErrorData struct {
	Error string `json:"error"`
}

// ChannelLostData has no fields.
type ChannelLostData struct{}

// ShutdownData has no fields.
type ShutdownData struct{}

// EndedData says who ended it.
type EndedData struct {
	By string `json:"by"` // caller, system, staff
}

// OutcomeData is the call's outcome.
type OutcomeData struct {
	Outcome string `json:"outcome"` // an Outcome* constant
}

func (ArrivedData) EventType() EventType            { return EventArrived }
func (RingingData) EventType() EventType            { return EventRinging }
func (AnsweredData) EventType() EventType           { return EventAnswered }
func (CustomerIdentifiedData) EventType() EventType { return EventCustomerIdentified }
func (GreetedData) EventType() EventType            { return EventGreeted }
func (MenuChoiceData) EventType() EventType         { return EventMenuChoice }
func (MenuFallbackData) EventType() EventType       { return EventMenuFallback }
func (NameLookupData) EventType() EventType         { return EventNameLookup }
func (RoutedData) EventType() EventType             { return EventRouted }
func (SupervisorNoticeData) EventType() EventType   { return EventSupervisorNotice }
func (RecordingStartedData) EventType() EventType   { return EventRecordingStarted }
func (RecordingKeptData) EventType() EventType      { return EventRecordingKept }
func (RecordingFailedData) EventType() EventType    { return EventRecordingFailed }
func (TransferNextData) EventType() EventType       { return EventTransferNext }
func (RingingStaffData) EventType() EventType       { return EventRingingStaff }
func (StaffAnsweredData) EventType() EventType      { return EventStaffAnswered }
func (WhisperPlayedData) EventType() EventType      { return EventWhisperPlayed }
func (ConnectedData) EventType() EventType          { return EventConnected }
func (StaffNoAnswerData) EventType() EventType      { return EventStaffNoAnswer }
func (TransferAbandonedData) EventType() EventType  { return EventTransferAbandoned }
func (StaffLeftData) EventType() EventType          { return EventStaffLeft }
func (NoteAddedData) EventType() EventType          { return EventNoteAdded }
func (TransferRequestedData) EventType() EventType  { return EventTransferRequested }
func (TransferRefusedData) EventType() EventType    { return EventTransferRefused }
func (ConsultStartedData) EventType() EventType     { return EventConsultStarted }
func (ConsultConnectedData) EventType() EventType   { return EventConsultConnected }
func (ConsultAbandonedData) EventType() EventType   { return EventConsultAbandoned }
func (TransferCancelledData) EventType() EventType  { return EventTransferCancelled }
func (TransferCompletedData) EventType() EventType  { return EventTransferCompleted }
func (AwayData) EventType() EventType               { return EventAway }
func (AwayChoiceData) EventType() EventType         { return EventAwayChoice }
func (AwayNoColleagueData) EventType() EventType    { return EventAwayNoColleague }
func (UrgentRequestedData) EventType() EventType    { return EventUrgentRequested }
func (UrgentAcceptedData) EventType() EventType     { return EventUrgentAccepted }
func (UrgentDeclinedData) EventType() EventType     { return EventUrgentDeclined }
func (UrgentTimeoutData) EventType() EventType      { return EventUrgentTimeout }
func (UrgentUnavailableData) EventType() EventType  { return EventUrgentUnavailable }
func (MessageRecordingData) EventType() EventType   { return EventMessageRecording }
func (MessageRerecordData) EventType() EventType    { return EventMessageRerecord }
func (MessageCancelledData) EventType() EventType   { return EventMessageCancelled }
func (MessageTakenData) EventType() EventType       { return EventMessageTaken }
func (CallbackRequestedData) EventType() EventType  { return EventCallbackRequested }
func (CallbackPromisedData) EventType() EventType   { return EventCallbackPromised }
func (AnythingElseData) EventType() EventType       { return EventAnythingElse }
func (ErrorData) EventType() EventType              { return EventError }
func (ChannelLostData) EventType() EventType        { return EventChannelLost }
func (ShutdownData) EventType() EventType           { return EventShutdown }
func (EndedData) EventType() EventType              { return EventEnded }
func (OutcomeData) EventType() EventType            { return EventOutcome }
