package aritest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// timeLayout is how Asterisk writes times: milliseconds and an offset
// without a colon, not RFC 3339.
const timeLayout = "2006-01-02T15:04:05.000-0700"

func stamp(t time.Time) string { return t.Format(timeLayout) }

// kv is one member of an ordered JSON object.
type kv struct {
	k string
	v any
}

// obj is a JSON object that keeps its members in the order given, so events
// read like Asterisk's (type and timestamp first).
type obj []kv

// MarshalJSON writes the members in order.
func (o obj) MarshalJSON() ([]byte, error) { return o.appendJSON(nil) }

// appendJSON appends o's JSON to b. Events are encoded under the server
// lock, many thousands a second under load, so the common member types
// are written directly; the bytes are those encoding/json would write.
func (o obj) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, m.k)
		b = append(b, ':')
		var err error
		if b, err = appendJSONValue(b, m.v); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendJSONValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return appendJSONString(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case obj:
		return v.appendJSON(b)
	case channelJSON:
		return v.appendJSON(b), nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

// appendJSONString quotes s as encoding/json does (HTML-safe); plain
// printable ASCII, nearly every id and name, skips the general encoder.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			j, _ := json.Marshal(s) // a string always encodes
			return append(b, j...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func (c callerJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, c.Name)
	b = append(b, `,"number":`...)
	b = appendJSONString(b, c.Number)
	return append(b, '}')
}

// appendJSON writes the channel as its struct tags say, in field order.
func (c channelJSON) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, c.ID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.Name)
	b = append(b, `,"state":`...)
	b = appendJSONString(b, c.State)
	b = append(b, `,"protocol_id":`...)
	b = appendJSONString(b, c.ProtocolID)
	b = append(b, `,"caller":`...)
	b = c.Caller.appendJSON(b)
	b = append(b, `,"connected":`...)
	b = c.Connected.appendJSON(b)
	b = append(b, `,"accountcode":`...)
	b = appendJSONString(b, c.AccountCode)
	b = append(b, `,"dialplan":{"context":`...)
	b = appendJSONString(b, c.Dialplan.Context)
	b = append(b, `,"exten":`...)
	b = appendJSONString(b, c.Dialplan.Exten)
	b = append(b, `,"priority":`...)
	b = strconv.AppendInt(b, int64(c.Dialplan.Priority), 10)
	b = append(b, `,"app_name":`...)
	b = appendJSONString(b, c.Dialplan.AppName)
	b = append(b, `,"app_data":`...)
	b = appendJSONString(b, c.Dialplan.AppData)
	b = append(b, `},"creationtime":`...)
	b = appendJSONString(b, c.CreationTime)
	b = append(b, `,"language":`...)
	b = appendJSONString(b, c.Language)
	return append(b, '}')
}

type callerJSON struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

type dialplanJSON struct {
	Context  string `json:"context"`
	Exten    string `json:"exten"`
	Priority int    `json:"priority"`
	AppName  string `json:"app_name"`
	AppData  string `json:"app_data"`
}

// channelJSON is ARI's Channel model with the members Asterisk sends.
type channelJSON struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	State        string       `json:"state"`
	ProtocolID   string       `json:"protocol_id"`
	Caller       callerJSON   `json:"caller"`
	Connected    callerJSON   `json:"connected"`
	AccountCode  string       `json:"accountcode"`
	Dialplan     dialplanJSON `json:"dialplan"`
	CreationTime string       `json:"creationtime"`
	Language     string       `json:"language"`
}

// bridgeJSON is ARI's Bridge model.
type bridgeJSON struct {
	ID           string   `json:"id"`
	Technology   string   `json:"technology"`
	BridgeType   string   `json:"bridge_type"`
	BridgeClass  string   `json:"bridge_class"`
	Creator      string   `json:"creator"`
	Name         string   `json:"name"`
	Channels     []string `json:"channels"`
	CreationTime string   `json:"creationtime"`
	VideoMode    string   `json:"video_mode"`
}

// playbackJSON is ARI's Playback model; next_media_uri only appears
// while a list of media has more to play.
type playbackJSON struct {
	ID        string `json:"id"`
	MediaURI  string `json:"media_uri"`
	NextMedia string `json:"next_media_uri,omitempty"`
	TargetURI string `json:"target_uri"`
	Language  string `json:"language"`
	State     string `json:"state"`
}

// newUUID returns a random version 4 UUID, the form Asterisk uses for
// bridge and playback ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported systems
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
