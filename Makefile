# The README's two commands. Each first sets up what the machine lacks
# (scripts/setup: installs as root, else names what to install).

.PHONY: demo test screenshots measure

demo:
	scripts/setup run
	go run ./cmd/callsvc demo

test:
	scripts/setup test
	go test -race ./...

# The console's pictures in docs/ (Chinese text needs a CJK font, e.g.
# Debian's fonts-noto-cjk).
screenshots:
	scripts/setup test
	CALLSVC_SCREENSHOTS=$(CURDIR)/docs go test -count=1 -run 'TestConsoleInBrowser|TestConsoleScreenshots' ./cmd/callsvc/

# Event-to-screen latency and page weight of the console, in the browser.
measure:
	scripts/setup test
	CALLSVC_MEASURE=1 go test -count=1 -v -run TestConsoleLatency ./cmd/callsvc/
