package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelp means the user asked for a command's help and got it: exit 0.
var errHelp = errors.New("help printed")

// usageError is a wrong command line; the usage was printed: exit 2, as Go
// tools do.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// flags is one command's flag set, with what --help says of the command.
type flags struct {
	*flag.FlagSet
	stdout, stderr io.Writer
}

// newFlags describes a command: its name, its arguments after the flags,
// and what it does.
func newFlags(name, args, about string, stdout, stderr io.Writer) *flags {
	f := &flags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), stdout: stdout, stderr: stderr}
	f.SetOutput(io.Discard) // parse says what went wrong, once, to the right stream
	f.Usage = func() {
		w := f.Output()
		fmt.Fprintf(w, "Usage: skladflow %s [flags]%s\n\n%s\n\nFlags:\n", name, args, strings.TrimSpace(about))
		f.PrintDefaults()
	}
	return f
}

// parse reads the flags and checks that exactly nargs arguments follow.
// --help prints the usage to stdout (errHelp); a wrong flag or argument
// count prints the problem and the usage to stderr (a usage error).
func (f *flags) parse(args []string, nargs int) error {
	err := f.Parse(args)
	if err == nil && f.NArg() != nargs {
		err = fmt.Errorf("%s: want %d argument(s), got %d", f.Name(), nargs, f.NArg())
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.SetOutput(f.stdout)
		f.Usage()
		return errHelp
	case err != nil:
		f.SetOutput(f.stderr)
		fmt.Fprintln(f.stderr, err)
		f.Usage()
		return &usageError{err}
	}
	return nil
}
