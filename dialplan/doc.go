// Package dialplan writes the Asterisk configuration callsvc runs under and
// reads it back to catch mistakes before Asterisk does.
//
// Render turns the staff directory (Phones) and a few Settings into
// extensions.conf (inbound numbers into Stasis(callsvc,inbound,NUMBER),
// internal dialling between staff phones, the transfer feature codes as
// globals), pjsip.conf (a UDP transport, phone and trunk templates, one
// endpoint/auth/aor per staff phone), ari.conf, http.conf (loopback) and
// musiconhold.conf, each commented for an Asterisk administrator. The
// templates are embedded text/template files. With Settings.Test it adds the
// lab contexts the real-Asterisk scenario run dials ([test-caller],
// [test-agents]).
//
// Secrets are never invented: the ARI password is ARI_PASSWORD, and each
// phone's SIP password is derived from a master secret (PhoneSecret,
// HMAC-SHA256 of the endpoint name), so rendering again gives the same
// files. The committed samples (sample/, sample-test/) use obvious
// placeholders (PlaceholderSecrets).
//
// Parse reads Asterisk's configuration syntax (sections, templates "(!)"
// and "(tmpl)", "key = value", "key => value", ";" comments, #include), and
// Check finds what would only fail at run time: an "n" priority before 1, a
// "same" without "exten", a context that is named but not defined, a PJSIP
// endpoint whose auth or aor does not exist.
//
//	phones, err := dialplan.Phones(staff, dialplan.HMACSecrets(master))
//	if err != nil { ... }
//	files, err := dialplan.Render(dialplan.Settings{ARIPassword: pw, Inbound: []string{"100"}}, phones)
//	if err != nil { ... }
//	err = dialplan.WriteDir("asterisk-conf", files)
//
// The output works with Asterisk 18 and later: it uses only PJSIP (chan_sip
// was removed in 21), res_pjsip options stable since 13/16 (type=endpoint,
// auth, aor, identify; rewrite_contact, rtp_symmetric, remove_existing),
// core dialplan applications, and ari.conf/http.conf options unchanged since
// ARI appeared in 12. Newer releases (20.12, 21.7, 22.2) add SHA-256 SIP
// digests, which need nothing here.
package dialplan
