package ari_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"callsvc/ari"
)

// Connect, take new calls, answer, play a greeting and wait for it to
// finish, then hang up.
func Example() {
	cfg, err := ari.FromEnv(os.Getenv)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := ari.Connect(ctx, cfg)
	if err != nil {
		fmt.Println("connect:", err)
		return
	}
	defer client.Close()

	calls := client.StasisStarts(ctx, "") // every node
	for ev := range calls.Events() {
		start := ev.(*ari.StasisStart)
		if len(start.Args) == 0 || start.Args[0] != "inbound" {
			continue // e.g. an agent leg we originated ourselves
		}
		go handle(ctx, client, start.Channel.Key())
	}
}

func handle(ctx context.Context, client *ari.Client, ch ari.Key) {
	if err := client.Answer(ctx, ch); err != nil {
		if ari.IsNotFound(err) {
			return // the caller already hung up
		}
		fmt.Println(err)
		return
	}
	_, err := client.PlayAndWait(ctx, ch, ari.MediaSound("hello-world"))
	if errors.Is(err, ari.ErrPlaybackFailed) {
		return // hung up while listening
	}
	if err := client.Hangup(ctx, ch, ari.HangupNormal); err != nil && !ari.IsNotFound(err) {
		fmt.Println(err)
	}
}
