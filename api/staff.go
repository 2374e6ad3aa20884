package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// StaffInput is the writable part of a directory entry; ids and times are
// the server's. Active defaults to true.
type StaffInput struct {
	Name       string   `json:"name"`
	Extension  string   `json:"extension"`
	Endpoint   string   `json:"endpoint"`
	Department string   `json:"department"`
	Skills     []string `json:"skills,omitempty"`
	Role       string   `json:"role"`
	Active     *bool    `json:"active,omitempty"`
	// Spelling is the name in letters for dial by name (pinyin or an
	// English name: letters and spaces, up to 64); stored in lower case.
	Spelling string `json:"spelling,omitempty"`
}

// StaffList is a page of the staff directory.
type StaffList struct {
	Staff      []record.Staff `json:"staff"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

func decodeStaff(data []byte) (record.Staff, error) {
	var in StaffInput
	if err := decodeStrict(data, &in); err != nil {
		return record.Staff{}, err
	}
	s := record.Staff{
		Name: strings.TrimSpace(in.Name), Extension: in.Extension, Endpoint: in.Endpoint,
		Department: strings.TrimSpace(in.Department), Role: in.Role, Active: true,
		Skills: []string{},
	}
	if in.Active != nil {
		s.Active = *in.Active
	}
	switch {
	case s.Name == "":
		return s, invalid("name", "is required")
	case len(s.Name) > maxShortText:
		return s, invalid("name", "is longer than %d bytes", maxShortText)
	case !isExtension(s.Extension):
		return s, invalid("extension", "must be 1 to 10 digits")
	case !isEndpoint(s.Endpoint):
		return s, invalid("endpoint", "must look like PJSIP/2001")
	case s.Department == "" || len(s.Department) > 64:
		return s, invalid("department", "must be 1 to 64 bytes")
	case s.Role != record.RoleAgent && s.Role != record.RoleSupervisor:
		return s, invalid("role", "must be agent or supervisor")
	case len(in.Skills) > 32:
		return s, invalid("skills", "has more than 32 entries")
	}
	sp, err := record.NormalizeSpelling(in.Spelling)
	if err != nil {
		return s, invalid("spelling", "must be letters a-z and spaces (pinyin without tone marks), up to %d", record.MaxSpelling)
	}
	s.Spelling = sp
	for i, sk := range in.Skills {
		sk = strings.TrimSpace(sk)
		if sk == "" || len(sk) > 32 {
			return s, invalid(fmt.Sprintf("skills[%d]", i), "must be 1 to 32 bytes")
		}
		if !contains(s.Skills, sk) {
			s.Skills = append(s.Skills, sk)
		}
	}
	return s, nil
}

func isExtension(s string) bool {
	return s != "" && len(s) <= 10 && isPhone(s) && s[0] != '+'
}

// isEndpoint accepts Asterisk endpoints: a technology, "/", a resource.
func isEndpoint(s string) bool {
	tech, res, ok := strings.Cut(s, "/")
	if !ok || tech == "" || res == "" || len(s) > 100 {
		return false
	}
	for _, c := range tech {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	for i := 0; i < len(res); i++ {
		c := res[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._-@:", c) >= 0) {
			return false
		}
	}
	return true
}

func (h *Handler) createStaff(w http.ResponseWriter, r *http.Request) {
	s, err := readJSON(w, r, h.cfg.MaxBody, decodeStaff)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.ID = ulid.Make().String()
	s, err = h.cfg.Store.CreateStaff(r.Context(), s)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/staff/"+s.ID)
	writeJSON(w, http.StatusCreated, s)
}

func (h *Handler) updateStaff(w http.ResponseWriter, r *http.Request) {
	id, err := pathRef(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s, err := readJSON(w, r, h.cfg.MaxBody, decodeStaff)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.ID = id
	s, err = h.cfg.Store.UpdateStaff(r.Context(), s)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func (h *Handler) getStaff(w http.ResponseWriter, r *http.Request) {
	id, err := pathRef(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	s, err := h.cfg.Store.GetStaff(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func (h *Handler) listStaff(w http.ResponseWriter, r *http.Request) {
	writeList(w, r, h.cfg.Store.ListStaff, func(list []record.Staff, next string) StaffList {
		return StaffList{Staff: list, NextCursor: next}
	})
}
