package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
)

// startProfiles starts the profiles asked for; stop writes them.
func startProfiles(o options) (stop func() error, err error) {
	var cpu *os.File
	if o.cpuProfile != "" {
		if cpu, err = os.Create(o.cpuProfile); err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
	}
	if o.mutexProf != "" {
		// Process-wide, and only when asked: sampling every contention
		// event costs time.
		runtime.SetMutexProfileFraction(1)
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		if o.mutexProf != "" {
			runtime.SetMutexProfileFraction(0)
			f, err := os.Create(o.mutexProf)
			if err == nil {
				err = pprof.Lookup("mutex").WriteTo(f, 0)
				errs = append(errs, f.Close())
			}
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("write profiles: %w", err)
		}
		return nil
	}, nil
}

// heapSnapshot is the heap after a collection, split by who allocated it.
type heapSnapshot struct {
	inuse, stack uint64
	goroutines   int
	// standIn and ours split the sampled in-use heap by allocation stack:
	// anything allocated with a frame of the aritest package on the stack
	// is the stand-in Asterisk's; the rest is callsvc's (client, engine,
	// writer, this driver) and the runtime's.
	standIn, ours float64
}

func heapNow() heapSnapshot {
	runtime.GC()
	runtime.GC() // the heap profile lags one cycle behind
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s := heapSnapshot{inuse: m.HeapInuse, stack: m.StackInuse, goroutines: runtime.NumGoroutine()}
	s.standIn, s.ours = heapByAllocator()
	return s
}

// heapByAllocator sums the in-use heap profile, scaled up from its samples
// the way pprof does, by whether the aritest package allocated it.
func heapByAllocator() (standIn, ours float64) {
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+64)
		var ok bool
		if n, ok = runtime.MemProfile(recs, true); ok {
			recs = recs[:n]
			break
		}
	}
	rate := float64(runtime.MemProfileRate)
	const standInPkg = "callsvc/ari/aritest."
	for _, r := range recs {
		bytes := float64(r.InUseBytes())
		if bytes <= 0 || r.AllocObjects == 0 {
			continue
		}
		if rate > 1 {
			avg := float64(r.AllocBytes) / float64(r.AllocObjects)
			bytes /= 1 - math.Exp(-avg/rate)
		}
		frames := runtime.CallersFrames(r.Stack())
		mine := true
		for {
			f, more := frames.Next()
			if strings.HasPrefix(f.Function, standInPkg) {
				mine = false
				break
			}
			if !more {
				break
			}
		}
		if mine {
			ours += bytes
		} else {
			standIn += bytes
		}
	}
	return standIn, ours
}
