package skladflowtest

import (
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/skladflow/skladflow/cdek/cdektest"
	"github.com/skladflow/skladflow/config"
	"github.com/skladflow/skladflow/fulfillment/fboxtest"
	"github.com/skladflow/skladflow/moysklad/moyskladtest"
)

// Options say how to build the installation. The zero value is the usual
// one: MoySklad and FBox emulators, no CDEK, the service running in-process.
type Options struct {
	// Postgres is a PostgreSQL URL to run on, a schema of its own in that
	// database, whatever PostgresEnv says. Defaults to PostgresEnv's
	// value: SQLite when it is empty.
	Postgres string
	// MoySklad configures the MoySklad emulator. Defaults to the
	// emulator's defaults (a real account's rate limit).
	MoySklad moyskladtest.Options
	// FBox configures the FBox emulator. Defaults to the emulator's
	// defaults; PushURL and PushKey are set by Push.
	FBox fboxtest.Options
	// CDEK, when set, starts the CDEK emulator and adds a cdek section to
	// the configuration. Defaults to nil: no delivery flow.
	CDEK *cdektest.Options
	// SecondWarehouse adds a second fulfillment warehouse: its own FBox
	// emulator (Harness.FBox2) and MoySklad store (Harness.Store2).
	// Defaults to false: one warehouse.
	SecondWarehouse bool
	// DefectStore adds a MoySklad store for the warehouse's defective
	// units (Harness.Defect, config defect_store). Defaults to false: none.
	DefectStore bool
	// LongStorageStore adds a MoySklad store for the warehouse's long
	// storage (Harness.LongStorage, config long_storage_store). Defaults
	// to false: none.
	LongStorageStore bool
	// Push makes the warehouse emulator sign a push to
	// /hooks/fulfillment/{name} for every new outgoing document, and gives
	// the configuration its key. Defaults to false: the feed is only polled.
	Push bool
	// Products are added to MoySklad; Harness.Products holds them in this
	// order. Defaults to DefaultProducts().
	Products []moyskladtest.ProductSpec
	// Edit changes the configuration before defaults and validation.
	// Defaults to nil: the configuration built by Config as is.
	Edit func(*config.Config)
	// Dir holds the database (unless PostgresEnv is set). Defaults to a new temporary directory that
	// Close removes (Start uses t.TempDir()).
	Dir string
	// SQLite keeps the database in a SQLite file in Dir even when
	// PostgresEnv is set, for a test that moves it to PostgreSQL itself.
	// Defaults to false.
	SQLite bool
	// NoService only starts the emulators and builds the configuration, for
	// a test that runs the binary itself (see WriteConfig). Defaults to
	// false: the service runs in-process.
	NoService bool
	// RetryBudget bounds in-process retries of one call to a peer. Defaults
	// to each client's default.
	RetryBudget time.Duration
	// RetryPolicy schedules job retries. Defaults to FastRetry.
	RetryPolicy river.ClientRetryPolicy
	// FetchPollInterval is how often idle workers look for jobs. Defaults
	// to 50ms.
	FetchPollInterval time.Duration
	// Logger receives the service's log. Defaults to discarding (Start logs
	// to stderr when SKLADFLOW_TEST_LOG is set).
	Logger *slog.Logger
	// WaitTimeout bounds the Wait helpers when their context has no
	// deadline. Defaults to 20s.
	WaitTimeout time.Duration
}

func (o *Options) setDefaults() {
	if o.Products == nil {
		o.Products = DefaultProducts()
	}
	if o.RetryPolicy == nil {
		o.RetryPolicy = FastRetry{}
	}
	if o.FetchPollInterval == 0 {
		o.FetchPollInterval = 50 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.WaitTimeout == 0 {
		o.WaitTimeout = 20 * time.Second
	}
}

// FastRetry runs a failed job again within a second (100 ms per attempt):
// a test waits for the outcome, not for the production schedule.
type FastRetry struct{}

// NextRetry implements river.ClientRetryPolicy.
func (FastRetry) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(time.Duration(job.Attempt) * 100 * time.Millisecond)
}
