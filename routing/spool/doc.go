// Package spool holds the engine's writers that stand between a call and
// the store: Writer takes call records (routing.Sink) and MessageWriter
// takes messages (routing.MessageSink). Neither makes a call wait: each
// queues or spools to local disk at once and writes off the call's path,
// replaying from its spool directory, in order, whenever the store fails
// or the process restarts.
//
//	w, _ := spool.NewWriter(store, spool.WriterOptions{Dir: cfg.SpoolDir})
//	go w.Run(ctx)
//	msgs, _ := spool.NewMessageWriter(store, spool.MessageWriterOptions{
//		Dir: filepath.Join(cfg.SpoolDir, "messages"), Fetcher: ctl})
//	go msgs.Run(ctx)
//	engineCfg.Sink, engineCfg.Away.Messages = w, msgs // a routing.Config
package spool
