package routing

import (
	"testing"

	"callsvc/api/record"
)

var featureCases = []struct {
	name, keys string
	want       []record.TransferRequest
}{
	{"BlindToExtension", "*13001#", []record.TransferRequest{{Mode: record.TransferBlind, ToExtension: "3001"}}},
	{"AttendedToExtension", "*24001#", []record.TransferRequest{{Mode: record.TransferAttended, ToExtension: "4001"}}},
	{"Complete", "*3", []record.TransferRequest{{Mode: record.TransferComplete}}},
	{"Cancel", "*0", []record.TransferRequest{{Mode: record.TransferCancel}}},
	{"StarRestarts", "*1*24001#", []record.TransferRequest{{Mode: record.TransferAttended, ToExtension: "4001"}}},
	{"DigitsWithoutStarIgnored", "13001#", nil},
	{"UnknownCodeIgnored", "*9", nil},
	{"NoExtension", "*1#", nil},
	{"TooLongForgotten", "*1123456789012345678#", nil},
	{"TwoInARow", "*3*0", []record.TransferRequest{{Mode: record.TransferComplete}, {Mode: record.TransferCancel}}},
}

func pressAll(keys string) []record.TransferRequest {
	var k featureKeys
	var out []record.TransferRequest
	for _, d := range keys {
		if r, ok := k.press(string(d)); ok {
			out = append(out, r)
		}
	}
	return out
}

func TestFeatureKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range featureCases {
		t.Run(tc.name, func(t *testing.T) {
			got := pressAll(tc.keys)
			if len(got) != len(tc.want) {
				t.Fatalf("%q: %+v, want %+v", tc.keys, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("%q: %+v, want %+v", tc.keys, got, tc.want)
				}
			}
		})
	}
}

// Whatever an agent presses, every request the keys make is valid.
func FuzzFeatureKeys(f *testing.F) {
	for _, tc := range featureCases {
		f.Add(tc.keys)
	}
	f.Fuzz(func(t *testing.T, keys string) {
		for _, r := range pressAll(keys) {
			if err := r.Validate(); err != nil {
				t.Fatalf("%q made an invalid request %+v: %v", keys, r, err)
			}
		}
	})
}
