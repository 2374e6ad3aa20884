package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// TokenPrefix starts every API token secret, so a leaked one is easy to
// recognise (and to grep for in logs or repositories).
const TokenPrefix = "cs_"

// secretLen is the length of a secret: the prefix and 32 random bytes in
// unpadded base64url.
var secretLen = len(TokenPrefix) + base64.RawURLEncoding.EncodedLen(32)

// CreateToken makes a new API token with the given role and stores its hash.
// The secret is returned once and never stored; agent tokens name the staff
// member they act for. This is what `callsvc token create` runs.
func CreateToken(ctx context.Context, store Store, name, role, staffID string) (string, record.Token, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", record.Token{}, record.Errorf(record.EInvalid, "token name is required")
	case role != record.RoleService && role != record.RoleAgent && role != record.RoleSupervisor:
		return "", record.Token{}, record.Errorf(record.EInvalid, "role must be service, agent or supervisor")
	case role == record.RoleAgent && staffID == "":
		return "", record.Token{}, record.Errorf(record.EInvalid, "an agent token needs the staff id it acts for")
	case staffID != "" && !isULID(staffID):
		return "", record.Token{}, record.Errorf(record.EInvalid, "staff id is not a valid id")
	}
	if err := record.CheckText("name", name, 200, false); err != nil {
		return "", record.Token{}, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", record.Token{}, fmt.Errorf("token random: %w", err)
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	t, err := store.CreateToken(ctx, record.Token{
		ID:      ulid.Make().String(),
		Name:    name,
		Role:    role,
		StaffID: staffID,
		Hash:    HashToken(secret),
	})
	if err != nil {
		return "", record.Token{}, fmt.Errorf("store token: %w", err)
	}
	return secret, t, nil
}

// HashToken is the stored form of a token secret. A plain SHA-256 is enough:
// the secrets are 256 random bits, so there is nothing to brute-force.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// wellFormedSecret checks a presented secret's shape before any database
// lookup, so garbage costs nothing.
func wellFormedSecret(s string) bool {
	if len(s) != secretLen || !strings.HasPrefix(s, TokenPrefix) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s[len(TokenPrefix):])
	return err == nil
}
