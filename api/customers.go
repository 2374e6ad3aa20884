package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// CustomerInput is the writable part of a customer file entry (S13); ids and
// times are the server's.
type CustomerInput struct {
	Numbers  []string `json:"numbers"`
	Name     string   `json:"name"`
	Surname  string   `json:"surname,omitempty"`
	Title    string   `json:"title,omitempty"`
	Company  string   `json:"company,omitempty"`
	VIP      bool     `json:"vip"`
	Birthday string   `json:"birthday,omitempty"`
	Language string   `json:"language,omitempty"`
	Notes    string   `json:"notes,omitempty"`
}

// CustomerList is a page of the customer file.
type CustomerList struct {
	Customers  []record.Customer `json:"customers"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

const maxNumbers = 20

// decodeCustomer reads and checks a customer body; numbers are normalised
// as they are stored, so finding by phone matches however they were typed.
func decodeCustomer(data []byte, country string) (record.Customer, error) {
	var in CustomerInput
	if err := decodeStrict(data, &in); err != nil {
		return record.Customer{}, err
	}
	c := record.Customer{
		Name: strings.TrimSpace(in.Name), Surname: strings.TrimSpace(in.Surname),
		Title: strings.TrimSpace(in.Title), Company: strings.TrimSpace(in.Company),
		VIP: in.VIP, Birthday: in.Birthday, Language: in.Language, Notes: in.Notes,
		Numbers: []string{},
	}
	if c.Name == "" {
		return c, invalid("name", "is required")
	}
	for _, f := range []struct{ name, value string }{
		{"name", c.Name}, {"surname", c.Surname}, {"title", c.Title},
		{"company", c.Company}, {"language", c.Language},
	} {
		if err := checkText(f.name, f.value, maxShortText); err != nil {
			return c, err
		}
	}
	if err := checkNotes("notes", c.Notes, maxNotes); err != nil {
		return c, err
	}
	if c.Birthday != "" {
		if _, err := time.Parse(time.DateOnly, c.Birthday); err != nil {
			return c, invalid("birthday", "must be a date such as 1980-02-29")
		}
	}
	if len(in.Numbers) > maxNumbers {
		return c, invalid("numbers", "has more than %d entries", maxNumbers)
	}
	for i, raw := range in.Numbers {
		n := record.NormalizePhone(raw, country)
		if !isPhone(n) {
			return c, invalid(fmt.Sprintf("numbers[%d]", i), "%q is not a phone number", raw)
		}
		if !contains(c.Numbers, n) {
			c.Numbers = append(c.Numbers, n)
		}
	}
	return c, nil
}

// isPhone accepts a normalised number: digits, optionally after a "+".
func isPhone(n string) bool {
	d := strings.TrimPrefix(n, "+")
	if d == "" || len(d) > 20 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// customerDecoder is decodeCustomer with this API's country code.
func (h *Handler) customerDecoder() func([]byte) (record.Customer, error) {
	return func(data []byte) (record.Customer, error) { return decodeCustomer(data, h.cfg.CountryCode) }
}

func (h *Handler) createCustomer(w http.ResponseWriter, r *http.Request) {
	c, err := readJSON(w, r, h.cfg.MaxBody, h.customerDecoder())
	if err != nil {
		writeError(w, r, err)
		return
	}
	c.ID = ulid.Make().String()
	c, err = h.cfg.Store.CreateCustomer(r.Context(), c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/customers/"+c.ID)
	writeJSON(w, http.StatusCreated, c)
}

func (h *Handler) updateCustomer(w http.ResponseWriter, r *http.Request) {
	id, err := pathRef(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, err := readJSON(w, r, h.cfg.MaxBody, h.customerDecoder())
	if err != nil {
		writeError(w, r, err)
		return
	}
	c.ID = id
	c, err = h.cfg.Store.UpdateCustomer(r.Context(), c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (h *Handler) getCustomer(w http.ResponseWriter, r *http.Request) {
	id, err := pathRef(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, err := h.cfg.Store.GetCustomer(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// listCustomers pages through the customer file, or with ?phone= finds the
// customer with that number (a list of zero or one).
func (h *Handler) listCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Has("phone") {
		p := newParams(q, "phone")
		raw := p.str("phone")
		n := record.NormalizePhone(raw, h.cfg.CountryCode)
		if p.err == nil && !isPhone(n) {
			p.fail(record.Errorf(record.EInvalid, "phone %q is not a phone number", raw))
		}
		if p.err != nil {
			writeError(w, r, p.err)
			return
		}
		c, err := h.cfg.Store.FindCustomerByPhone(r.Context(), n)
		switch {
		case record.IsNotFound(err):
			writeJSON(w, http.StatusOK, CustomerList{Customers: []record.Customer{}})
		case err != nil:
			writeError(w, r, err)
		default:
			writeJSON(w, http.StatusOK, CustomerList{Customers: []record.Customer{c}})
		}
		return
	}
	writeList(w, r, h.cfg.Store.ListCustomers, func(list []record.Customer, next string) CustomerList {
		return CustomerList{Customers: list, NextCursor: next}
	})
}
