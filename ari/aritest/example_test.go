package aritest_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"callsvc/ari/aritest"
)

func Example() {
	srv := aritest.NewServer(aritest.Options{Username: "u", Password: "p", Application: "callsvc",
		EntityID: "node-a", Speed: 50})
	defer srv.Close()

	// An ARI application talks to srv.URL() and listens on srv.WSURL().
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/asterisk/ping", nil)
	req.SetBasicAuth("u", "p")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	// An agent's phone answers one simulated second after it rings.
	srv.AddPhone("PJSIP/2001", aritest.PhoneOptions{AnswerAfter: time.Second})

	// A caller dials 100. No application is connected here, so Stasis
	// fails and the call ends; with one, it would see StasisStart and could
	// answer, play prompts and bridge the caller to PJSIP/2001.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call := srv.Dial(ctx, aritest.CallerOptions{From: "+15551234567", Name: "Alice", To: "100", Args: []string{"inbound"}})
	select {
	case <-call.Done():
		fmt.Println("caller gone")
	case <-ctx.Done():
		fmt.Println("timeout")
	}
	// Output:
	// 200
	// caller gone
}
