// Package pbxtest lets the routing scenario tests run against either the
// stand-in Asterisk (ari/aritest) or a real Asterisk, through one PBX
// interface: callers dial in, press digits, speak and hang up; staff
// phones ring, answer, refuse or never answer; both report what they heard.
//
// StandIn wraps an *aritest.Server (simulated time, everything observable).
// Real drives a real Asterisk over ARI with a second application, the
// helper "<app>-test" (default callsvc-test), on its own event socket:
//
//   - A caller is a Local channel Local/<number>@from-pstn created in the
//     helper application (POST /channels/create), its caller id set as the
//     ";1" half's connected line (which a Local ";2" half presents as its
//     caller), the helper subscribed to the ";2" half, and only then dialled.
//     The ";2" half runs the inbound dialplan and enters
//     Stasis(callsvc,inbound); the helper owns ";1", so it can send DTMF on
//     it (POST /channels/{;1}/dtmf: a channel outside Stasis answers 409),
//     play a tone on it to "speak" and hang it up, and it sees what is
//     played to ";2", i.e. what the caller hears.
//   - A staff phone is Local/<extension>@test-agents: the rendered --test
//     dialplan hands any extension not in the directory to the helper
//     (Stasis(callsvc-test,phone,EXTEN)), which rings, answers after a
//     delay, refuses (busy) or lets it ring, as PhoneOptions say.
//
// What a party heard is observed from events, so the real PBX reports less
// than the stand-in (see Observes): each media of a playback (one
// PlaybackStarted per item), "dtmf:<d>" sent to a caller, and "sound:beep"
// when a recording of the party starts (Asterisk plays the beep itself,
// with no event of its own; callsvc always asks for one). Music on hold on
// a channel produces no ARI event at all, so "moh:<class>" is only heard on
// the stand-in; "ringing" likewise.
//
// FromEnv reads CALLSVC_TEST_ARI_URL, CALLSVC_TEST_ARI_USERNAME and
// CALLSVC_TEST_ARI_PASSWORD; without the URL the real-Asterisk tests skip.
package pbxtest
