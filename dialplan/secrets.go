package dialplan

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// MinMasterSecret is the shortest master secret HMACSecrets accepts, in
// bytes: shorter ones could be guessed offline from one phone's password.
const MinMasterSecret = 16

// secretEncoding avoids look-alike characters (base32: no 0/1/8/9), so a
// person can key a password into a phone's menu.
var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// PhoneSecret derives the SIP password of a PJSIP endpoint from the master
// secret: HMAC-SHA256(master, "callsvc/pjsip/"+endpoint), the first 120
// bits as 24 lower-case base32 characters. The same master always gives the
// same password, so rendering again changes nothing, and no password list
// needs to be stored; a leaked phone password reveals neither the master
// nor any other phone's password.
func PhoneSecret(master []byte, endpoint string) string {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("callsvc/pjsip/" + endpoint))
	sum := m.Sum(nil)
	return strings.ToLower(secretEncoding.EncodeToString(sum[:15]))
}

// HMACSecrets gives Settings.PhoneSecret for a master secret (see
// PhoneSecret).
func HMACSecrets(master []byte) func(endpoint string) string {
	key := append([]byte(nil), master...)
	return func(endpoint string) string { return PhoneSecret(key, endpoint) }
}

// PlaceholderSecrets gives obvious placeholders instead of passwords, for
// the committed samples: "CHANGE-ME-phone-<endpoint>".
func PlaceholderSecrets(endpoint string) string { return "CHANGE-ME-phone-" + endpoint }
