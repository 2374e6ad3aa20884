package console_test

import (
	"testing"

	"callsvc/api/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
