// Package aritest is a stand-in Asterisk for tests and demos: an in-process
// ARI server (REST under /ari and the events WebSocket at /ari/events) that
// answers with the status codes, JSON shapes, error bodies and event order
// recorded from a real Asterisk (see the ari-traces folder beside the
// repository), plus a script API that plays the people on the phone line.
//
// What it simulates: PJSIP and Local channels (the ";1"/";2" halves of a
// Local channel, with a small dialplan deciding what the ";2" half runs),
// Stasis applications and subscriptions, bridges (mixing and holding, music on
// hold, playback), playbacks with durations on a clock tests can speed up,
// recordings that become stored WAV files (8 kHz, 16-bit, mono), DTMF both
// ways, channel and global variables, endpoints with scripted phones
// (answer after a delay, busy, no answer, unregistered, manual), device
// states, snoop channels (simplified), and an Asterisk restart.
//
// The script API drives calls from the outside: Server.Dial makes a caller
// dial in (a PJSIP channel that runs the dialplan for the dialled number,
// Stasis into the application by default); Call.Press sends digits,
// Call.Speak talks for a while (recordings hear it), Call.WaitHeard waits for
// a prompt or music on hold to reach the caller, Call.Hangup hangs up.
// Server.AddPhone registers an agent's endpoint whose Phone.WaitRinging
// returns the ringing Leg, which can be answered or hung up at a chosen
// moment.
//
// Time: every duration (prompt lengths, dialplan waits, ring delays,
// recording limits) is simulated time on Options.Clock. By default that is
// the wall clock run Options.Speed times faster, so a 3 s prompt takes
// 60 ms at Speed 50. A scenario test gives a virtual clock instead, which
// moves only when no party acts: the stand-in counts itself busy while it
// handles a request, runs a timer or has an event on its way to a client,
// and counts a script idle while Press, Speak or a Wait method waits.
// Event timestamps come from Options.Now (the wall clock, or the given
// Clock) in Asterisk's layout 2006-01-02T15:04:05.000-0700.
//
// Not simulated: audio transport (RTP), SIP signalling details, the
// Announcer channel of bridge music on hold as a real channel, channel
// redirect and external media.
package aritest
