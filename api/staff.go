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
	case s.Department == "":
		return s, invalid("department", "is required")
	case s.Role != record.RoleAgent && s.Role != record.RoleSupervisor:
		return s, invalid("role", "must be agent or supervisor")
	case len(in.Skills) > record.MaxSkills:
		return s, invalid("skills", "has more than %d entries", record.MaxSkills)
	}
	sp, err := record.NormalizeSpelling(in.Spelling)
	if err != nil {
		return s, invalid("spelling", "must be letters a-z and spaces (pinyin without tone marks), up to %d", record.MaxSpelling)
	}
	s.Spelling = sp
	for i, sk := range in.Skills {
		sk = strings.TrimSpace(sk)
		if sk == "" || len(sk) > record.MaxSkill {
			return s, invalid(fmt.Sprintf("skills[%d]", i), "must be 1 to %d bytes", record.MaxSkill)
		}
		if !contains(s.Skills, sk) {
			s.Skills = append(s.Skills, sk)
		}
	}
	// The renderer's rules: what enters here can be written into
	// Asterisk's configuration as data, never as code.
	if err := record.CheckStaff(s); err != nil {
		return s, err
	}
	return s, nil
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
	if !s.Active {
		// The store revoked their tokens; forget them here at once.
		h.auth.forget(func(t record.Token) bool { return t.StaffID == s.ID })
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
