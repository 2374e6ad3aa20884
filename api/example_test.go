package api_test

import (
	"context"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"callsvc/api"
	"callsvc/api/postgres"
)

// ExampleNewHandler serves the API on :8080 until interrupted, then drains
// requests in flight.
func ExampleNewHandler() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	store, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), postgres.Options{Migrate: true})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	h, err := api.NewHandler(api.Config{
		Store:    store,
		Logger:   zerolog.New(os.Stderr).With().Timestamp().Logger(),
		Registry: prometheus.NewRegistry(),
	})
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", ":8080")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if err := api.Serve(ctx, srv, ln, 30*time.Second); err != nil {
		log.Fatal(err)
	}
}
