package aritest

import (
	"net/http"
	"slices"
	"strings"
)

func asteriskInfo(s *Server, r *request) response {
	parts := map[string]any{
		"build": obj{{"os", "Linux"}, {"kernel", "aritest"}, {"machine", "x86_64"}, {"options", ""},
			{"date", stamp(s.st.started)}, {"user", "aritest"}},
		"system": obj{{"version", "aritest"}, {"entity_id", s.opts.EntityID}},
		"config": obj{{"name", "aritest"}, {"default_language", "en"},
			{"setid", obj{{"user", ""}, {"group", ""}}}},
		"status": obj{{"startup_time", stamp(s.st.started)}, {"last_reload_time", stamp(s.st.started)}},
	}
	order := []string{"build", "system", "config", "status"}
	want := order
	if only := r.get("only"); only != "" {
		want = strings.Split(only, ",")
	}
	out := obj{}
	for _, k := range order {
		if slices.Contains(want, k) {
			out = append(out, kv{k, parts[k]})
		}
	}
	return ok(out)
}

func ping(s *Server, r *request) response {
	return ok(obj{{"ping", "pong"}, {"timestamp", stamp(s.now())}, {"asterisk_id", s.opts.EntityID}})
}

func getGlobal(s *Server, r *request) response {
	name := r.get("variable")
	if name == "" {
		return fail(http.StatusBadRequest, "Variable name is required")
	}
	return ok(obj{{"value", s.globals[name]}})
}

func setGlobal(s *Server, r *request) response {
	name := r.get("variable")
	if name == "" {
		return fail(http.StatusBadRequest, "Variable name is required")
	}
	s.globals[name] = r.get("value")
	return noContent()
}

func (s *Server) appJSON(a *app) obj {
	if a.all {
		return obj{{"name", a.name}, {"channel_ids", []string{"__AST_CHANNEL_ALL_TOPIC"}},
			{"bridge_ids", []string{"__AST_BRIDGE_ALL_TOPIC"}}, {"endpoint_ids", []string{"__AST_ENDPOINT_ALL_TOPIC"}},
			{"device_names", []string{"__AST_DEVICE_STATE_ALL_TOPIC"}},
			{"events_allowed", []string{}}, {"events_disallowed", []string{}}}
	}
	return obj{{"name", a.name}, {"channel_ids", sortedKeys(a.chans)}, {"bridge_ids", sortedKeys(a.bridges)},
		{"endpoint_ids", sortedKeys(a.endpoints)}, {"device_names", sortedKeys(a.devices)},
		{"events_allowed", []string{}}, {"events_disallowed", []string{}}}
}

func listApps(s *Server, r *request) response {
	out := []obj{}
	for _, name := range sortedKeys(s.st.apps) {
		out = append(out, s.appJSON(s.st.apps[name]))
	}
	return ok(out)
}

func getApp(s *Server, r *request) response {
	a := s.st.apps[r.path["app"]]
	if a == nil {
		return fail(http.StatusNotFound, "Application not found")
	}
	return ok(s.appJSON(a))
}

// subscription serves POST and DELETE /applications/{app}/subscription.
func subscription(s *Server, r *request) response {
	a := s.st.apps[r.path["app"]]
	if a == nil {
		return fail(http.StatusNotFound, "Application not found")
	}
	src := r.get("eventSource")
	if src == "" {
		return fail(http.StatusBadRequest, "Missing parameter eventSource")
	}
	subscribe := r.http.Method == http.MethodPost
	for _, one := range strings.Split(src, ",") {
		scheme, id, _ := strings.Cut(strings.TrimSpace(one), ":")
		var set map[string]bool
		exists := false
		switch scheme {
		case "channel":
			set, exists = a.chans, s.st.channels[id] != nil
		case "bridge":
			set, exists = a.bridges, s.st.bridges[id] != nil
		case "endpoint":
			tech, res, _ := strings.Cut(id, "/")
			_, exists = s.endpointJSON(tech, res)
			if res == "" {
				exists = strings.EqualFold(tech, "PJSIP")
			}
			set = a.endpoints // keyed "PJSIP/2001", or "PJSIP" for all of them
		case "deviceState":
			set, exists = a.devices, id != ""
		default:
			return fail(http.StatusBadRequest, "Invalid event source URI scheme")
		}
		if !exists {
			return fail(http.StatusUnprocessableEntity, "Provided event source was not found")
		}
		if !subscribe && !set[id] {
			return fail(http.StatusConflict, "Application not subscribed to event source")
		}
		if subscribe {
			set[id] = true
		} else {
			delete(set, id)
		}
	}
	return ok(s.appJSON(a))
}

func listEndpoints(s *Server, r *request) response {
	out := []obj{}
	tech := r.path["tech"]
	for _, name := range s.endpointNames() {
		t, res, _ := strings.Cut(name, "/")
		if tech != "" && !strings.EqualFold(t, tech) {
			continue
		}
		if e, found := s.endpointJSON(t, res); found {
			out = append(out, e)
		}
	}
	if tech != "" && len(out) == 0 {
		return fail(http.StatusNotFound, "Endpoint not found")
	}
	return ok(out)
}

func getEndpoint(s *Server, r *request) response {
	e, found := s.endpointJSON(r.path["tech"], r.path["resource"])
	if !found {
		return fail(http.StatusNotFound, "Endpoint not found")
	}
	return ok(e)
}

func listDeviceStates(s *Server, r *request) response {
	names := map[string]bool{}
	for n := range s.st.devices {
		names[n] = true
	}
	for n := range s.phones {
		names[n] = true
	}
	out := []obj{}
	for _, n := range sortedKeys(names) {
		out = append(out, obj{{"name", n}, {"state", s.deviceStateLocked(n)}})
	}
	return ok(out)
}

func getDeviceState(s *Server, r *request) response {
	return ok(obj{{"name", r.path["name"]}, {"state", s.deviceStateLocked(r.path["name"])}})
}

var deviceStates = []string{"NOT_INUSE", "INUSE", "BUSY", "INVALID", "UNAVAILABLE",
	"RINGING", "RINGINUSE", "ONHOLD"}

// stasisDevicePrefix marks the devices ARI controls (res_stasis_device_state).
const stasisDevicePrefix = "Stasis:"

func putDeviceState(s *Server, r *request) response {
	name := r.path["name"]
	if !strings.HasPrefix(name, stasisDevicePrefix) {
		return fail(http.StatusConflict, "Uncontrolled device specified")
	}
	st := r.get("deviceState")
	if !slices.Contains(deviceStates, st) {
		return fail(http.StatusBadRequest, "Invalid device state")
	}
	s.st.devices[name] = st
	s.emitDeviceState(name, st)
	return noContent()
}

func deleteDeviceState(s *Server, r *request) response {
	name := r.path["name"]
	if !strings.HasPrefix(name, stasisDevicePrefix) {
		return fail(http.StatusConflict, "Uncontrolled device specified")
	}
	if _, found := s.st.devices[name]; !found {
		return fail(http.StatusNotFound, "Device not found")
	}
	delete(s.st.devices, name)
	return noContent()
}

// routeTable lists every ARI resource the stand-in serves.
func (s *Server) routeTable() []route {
	st := withStasis
	return []route{
		newRoute("asterisk/info", map[string]handler{"GET": asteriskInfo}),
		newRoute("asterisk/ping", map[string]handler{"GET": ping}),
		newRoute("asterisk/variable", map[string]handler{"GET": getGlobal, "POST": setGlobal}),
		newRoute("applications", map[string]handler{"GET": listApps}),
		newRoute("applications/{app}", map[string]handler{"GET": getApp}),
		newRoute("applications/{app}/subscription", map[string]handler{"POST": subscription, "DELETE": subscription}),
		newRoute("channels", map[string]handler{"GET": listChannels, "POST": originate}),
		newRoute("channels/create", map[string]handler{"POST": createChannel}),
		newRoute("channels/{id}", map[string]handler{"GET": getChannel, "POST": originate, "DELETE": hangupChannel}),
		newRoute("channels/{id}/answer", map[string]handler{"POST": st(answer)}),
		newRoute("channels/{id}/ring", map[string]handler{"POST": st(ring), "DELETE": st(noop)}),
		newRoute("channels/{id}/progress", map[string]handler{"POST": st(noop)}),
		newRoute("channels/{id}/dtmf", map[string]handler{"POST": st(sendDTMF)}),
		newRoute("channels/{id}/mute", map[string]handler{"POST": st(mute), "DELETE": st(mute)}),
		newRoute("channels/{id}/hold", map[string]handler{"POST": st(hold), "DELETE": st(hold)}),
		newRoute("channels/{id}/moh", map[string]handler{"POST": st(startMOH), "DELETE": st(stopMOH)}),
		newRoute("channels/{id}/silence", map[string]handler{"POST": st(silence), "DELETE": st(silence)}),
		newRoute("channels/{id}/play", map[string]handler{"POST": st(play)}),
		newRoute("channels/{id}/play/{pbid}", map[string]handler{"POST": st(play)}),
		newRoute("channels/{id}/record", map[string]handler{"POST": st(record)}),
		newRoute("channels/{id}/variable", map[string]handler{"GET": getVar, "POST": setVar}),
		newRoute("channels/{id}/continue", map[string]handler{"POST": st(continueDialplan)}),
		newRoute("channels/{id}/move", map[string]handler{"POST": st(move)}),
		newRoute("channels/{id}/dial", map[string]handler{"POST": st(dial)}),
		newRoute("channels/{id}/snoop", map[string]handler{"POST": snoop}),
		newRoute("channels/{id}/snoop/{snoopId}", map[string]handler{"POST": snoop}),
		newRoute("bridges", map[string]handler{"GET": listBridges, "POST": createBridge}),
		newRoute("bridges/{id}", map[string]handler{"GET": getBridge, "POST": createBridge, "DELETE": destroyBridge}),
		newRoute("bridges/{id}/addChannel", map[string]handler{"POST": addChannel}),
		newRoute("bridges/{id}/removeChannel", map[string]handler{"POST": removeChannel}),
		newRoute("bridges/{id}/moh", map[string]handler{"POST": bridgeMOH, "DELETE": bridgeStopMOH}),
		newRoute("bridges/{id}/play", map[string]handler{"POST": bridgePlay}),
		newRoute("bridges/{id}/record", map[string]handler{"POST": bridgeRecord}),
		newRoute("bridges/{id}/play/{pbid}", map[string]handler{"POST": bridgePlay}),
		newRoute("playbacks/{id}", map[string]handler{"GET": getPlayback, "DELETE": stopPlayback}),
		newRoute("playbacks/{id}/control", map[string]handler{"POST": controlPlayback}),
		newRoute("recordings/stored", map[string]handler{"GET": listStored}),
		newRoute("recordings/stored/{name}", map[string]handler{"GET": getStored, "DELETE": deleteStored}),
		newRoute("recordings/stored/{name}/file", map[string]handler{"GET": getStoredFile}),
		newRoute("recordings/stored/{name}/copy", map[string]handler{"POST": copyStored}),
		newRoute("recordings/live/{name}", map[string]handler{"GET": getLive, "DELETE": cancelLive}),
		newRoute("recordings/live/{name}/stop", map[string]handler{"POST": stopLive}),
		newRoute("recordings/live/{name}/pause", map[string]handler{"POST": liveNoop, "DELETE": liveNoop}),
		newRoute("recordings/live/{name}/mute", map[string]handler{"POST": liveNoop, "DELETE": liveNoop}),
		newRoute("endpoints", map[string]handler{"GET": listEndpoints}),
		newRoute("endpoints/{tech}", map[string]handler{"GET": listEndpoints}),
		newRoute("endpoints/{tech}/{resource}", map[string]handler{"GET": getEndpoint}),
		newRoute("deviceStates", map[string]handler{"GET": listDeviceStates}),
		newRoute("deviceStates/{name}", map[string]handler{"GET": getDeviceState, "PUT": putDeviceState, "DELETE": deleteDeviceState}),
		newRoute("sounds", map[string]handler{"GET": listSounds}),
		newRoute("sounds/{id}", map[string]handler{"GET": getSound}),
	}
}
