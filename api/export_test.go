package api

// BodyBudgetPeak is the most request-body bytes h has held at once.
func BodyBudgetPeak(h *Handler) int64 {
	h.bodies.mu.Lock()
	defer h.bodies.mu.Unlock()
	return h.bodies.peak
}
