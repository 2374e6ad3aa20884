package console

import (
	"context"
	"slices"
	"sort"
	"time"

	"callsvc/api/record"
)

// person is a colleague as screens show them: who, and whether a call can
// go to them now.
type person struct {
	ID, Name, Ext, Dept, Role string
	Status                    string // effective: a presence status, on_call, ...
	Where                     string
	BackAt                    *time.Time
	Note                      string
	Free                      bool
}

// directory reads every active person with their effective status: what
// they set (presence), whether they are on a call here (the live calls),
// the clock.
func (c *Console) directory(ctx context.Context) ([]person, error) {
	staff, err := c.allStaff(ctx)
	if err != nil {
		return nil, err
	}
	pres := map[string]record.Presence{}
	cursor := ""
	for {
		list, next, err := c.cfg.Store.ListPresence(ctx, record.ListQuery{Limit: 1000, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			pres[p.StaffID] = p
		}
		if next == "" {
			break
		}
		cursor = next
	}
	onCall := map[string]bool{}
	if c.cfg.Live != nil {
		for _, lc := range c.cfg.Live.LiveCalls() {
			if lc.StaffID != "" && (lc.Stage == StageTalking || lc.Stage == StageHold) {
				onCall[lc.StaffID] = true
			}
		}
	}
	now := c.cfg.Now()
	out := make([]person, 0, len(staff))
	for _, s := range staff {
		if !s.Active {
			continue
		}
		p := pres[s.ID]
		eff := record.Effective(p, record.Derived{OnCall: onCall[s.ID]}, now)
		out = append(out, person{ID: s.ID, Name: s.Name, Ext: s.Extension, Dept: s.Department, Role: s.Role,
			Status: eff.Status, Where: eff.Where, BackAt: eff.BackAt, Note: p.Note, Free: eff.Reachable()})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Dept != out[j].Dept {
			return out[i].Dept < out[j].Dept
		}
		return out[i].Ext < out[j].Ext
	})
	return out, nil
}

// allStaff is the whole directory.
// staffNames maps each person's id to their name, for pages that name the
// people on calls and messages.
func staffNames(staff []record.Staff) map[string]string {
	m := make(map[string]string, len(staff))
	for _, st := range staff {
		m[st.ID] = st.Name
	}
	return m
}

func (c *Console) allStaff(ctx context.Context) ([]record.Staff, error) {
	var all []record.Staff
	cursor := ""
	for {
		list, next, err := c.cfg.Store.ListStaff(ctx, record.ListQuery{Limit: 1000, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}

// namer gives people's names by id (the id itself for someone unknown).
func namer(staff []record.Staff) func(string) string {
	names := make(map[string]string, len(staff))
	for _, s := range staff {
		names[s.ID] = s.Name
	}
	return func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
}

// departments are the departments of people, in order.
func departments(people []person) []string {
	var out []string
	for _, p := range people {
		if p.Dept != "" && !slices.Contains(out, p.Dept) {
			out = append(out, p.Dept)
		}
	}
	slices.Sort(out)
	return out
}
