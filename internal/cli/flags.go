package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// flagSet is a command's flags: the standard library's parser, with flags and
// positional arguments in any order, one-line errors that point at the command's
// help, help on stdout, and checked values (a size out of its range, a negative
// budget or an empty list is a usage error, never a silent default).
type flagSet struct {
	*flag.FlagSet
	cmd     string
	aliases map[string]string // long name → its one-letter alias
	// sections group the flags in the help: each holds the flags declared after its
	// title and before the next one.
	sections []flagSection
}

type flagSection struct {
	title string
	names []string
}

func newFlagSet(cmd string) *flagSet {
	fs := flag.NewFlagSet("steercheck "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, cmd: cmd, aliases: map[string]string{}}
}

// section starts a group of flags in the help; the flags declared from now on belong
// to it, until the next section.
func (fs *flagSet) section(title string) {
	fs.closeSection()
	fs.sections = append(fs.sections, flagSection{title: title})
}

// closeSection gives the open section the flags declared since it was opened.
func (fs *flagSet) closeSection() {
	if len(fs.sections) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, sec := range fs.sections {
		for _, n := range sec.names {
			seen[n] = true
		}
	}
	last := &fs.sections[len(fs.sections)-1]
	fs.VisitAll(func(f *flag.Flag) {
		if !seen[f.Name] && !fs.isAlias(f.Name) {
			last.names = append(last.names, f.Name)
		}
	})
}

// alias makes -short another name of the flag --long (declared already).
func (fs *flagSet) alias(short, long string) {
	f := fs.Lookup(long)
	fs.Var(f.Value, short, "")
	fs.aliases[long] = short
}

// isAlias says whether name is a one-letter alias.
func (fs *flagSet) isAlias(name string) bool {
	for _, s := range fs.aliases {
		if s == name {
			return true
		}
	}
	return false
}

func (fs *flagSet) hasFlags() bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// isSet says whether the flag was given on the command line.
func (fs *flagSet) isSet(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name || (fs.aliases[name] != "" && f.Name == fs.aliases[name]) {
			set = true
		}
	})
	return set
}

// given lists the flags given on the command line.
func (fs *flagSet) given() map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// parse parses args, flags and positional arguments interleaved ("minimize TRACE -o
// OUT"; everything after "--" is positional). On -h or --help it prints the
// command's help on stdout and returns ExitHolds; on a bad flag, one line and a hint
// on stderr and ExitUsage. ok is false when the command must stop with code.
func (fs *flagSet) parse(args []string, stdout, stderr io.Writer, c command) (pos []string, code int, ok bool) {
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			commandHelp(stdout, c, fs)
			return nil, ExitHolds, false
		}
		if err != nil {
			fmt.Fprintf(stderr, "steercheck %s: %s (run 'steercheck %s --help')\n", fs.cmd, flagError(err), fs.cmd)
			return nil, ExitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, 0, true
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), 0, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reNeedsArg  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	reInvalid   = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for flag -+([^:]*): (.*)$`)
)

// flagError rewrites the flag package's errors in our spelling (--name).
func flagError(err error) string {
	s := oneLine(err.Error())
	if m := reUndefined.FindStringSubmatch(s); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := reNeedsArg.FindStringSubmatch(s); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := reInvalid.FindStringSubmatch(s); m != nil {
		why := strings.TrimPrefix(m[3], "strconv.ParseInt: ")
		why = strings.TrimPrefix(why, "strconv.ParseBool: ")
		if strings.HasPrefix(why, "parsing ") {
			if _, rest, ok := strings.Cut(why, ": "); ok {
				why = rest
			}
		}
		return fmt.Sprintf("--%s %q: %s", m[2], m[1], why)
	}
	return s
}

// printDefaults lists the flags, "--name VALUE" and the description below it, which
// ends with the default unless the description explains it.
func (fs *flagSet) printDefaults(w io.Writer) {
	fs.closeSection()
	if len(fs.sections) == 0 {
		fmt.Fprintln(w, "\nFlags:")
		fs.VisitAll(func(f *flag.Flag) { fs.printFlag(w, f) })
		return
	}
	for _, sec := range fs.sections {
		fmt.Fprintf(w, "\n%s:\n", sec.title)
		for _, n := range sec.names {
			fs.printFlag(w, fs.Lookup(n))
		}
	}
}

// printFlag prints one flag for the help.
func (fs *flagSet) printFlag(w io.Writer, f *flag.Flag) {
	if fs.isAlias(f.Name) {
		return
	}
	name, usage := flag.UnquoteUsage(f)
	line := "  --" + f.Name
	if short := fs.aliases[f.Name]; short != "" {
		line = "  -" + short + ", --" + f.Name
	}
	if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
		if name == "value" || name == "" {
			name = "VALUE"
		}
		line += " " + name
	}
	if !strings.Contains(usage, "default") && f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" {
		usage += fmt.Sprintf(" (default: %s)", f.DefValue)
	}
	fmt.Fprintln(w, line)
	fmt.Fprint(w, indent(wrap(usage, 80)+"\n", "        "))
}

// intFlag is an integer flag that must lie in [min, max].
type intFlag struct {
	p        *int
	min, max int
}

func (v *intFlag) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.Itoa(*v.p)
}

func (v *intFlag) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return errors.New("not an integer")
	}
	if n < v.min || n > v.max {
		return fmt.Errorf("must be between %d and %d", v.min, v.max)
	}
	*v.p = n
	return nil
}

// intRange declares an integer flag that must lie in [min, max].
func (fs *flagSet) intRange(name string, def, min, max int, usage string) *int {
	p := new(int)
	*p = def
	fs.Var(&intFlag{p: p, min: min, max: max}, name, usage)
	return p
}

// countFlag is a non-negative int64 flag (a budget; 0 means none).
type countFlag struct{ p *int64 }

func (v *countFlag) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.FormatInt(*v.p, 10)
}

func (v *countFlag) Set(s string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(strings.ReplaceAll(s, "_", "")), 10, 64)
	if err != nil {
		return errors.New("not an integer")
	}
	if n < 0 {
		return errors.New("must not be negative (0: no bound)")
	}
	*v.p = n
	return nil
}

func (fs *flagSet) count(name string, def int64, usage string) *int64 {
	p := new(int64)
	*p = def
	fs.Var(&countFlag{p: p}, name, usage)
	return p
}

// durationFlag is a non-negative duration flag.
type durationFlag struct{ p *time.Duration }

func (v *durationFlag) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.String()
}

func (v *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return errors.New("not a duration (e.g. 90s, 5m)")
	}
	if d < 0 {
		return errors.New("must not be negative (0: no limit)")
	}
	*v.p = d
	return nil
}

func (fs *flagSet) duration(name string, def time.Duration, usage string) *time.Duration {
	p := new(time.Duration)
	*p = def
	fs.Var(&durationFlag{p: p}, name, usage)
	return p
}

// textFlag is a string flag that, once given, must not be empty.
type textFlag struct{ p *string }

func (v *textFlag) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v *textFlag) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	*v.p = s
	return nil
}

// text declares a string flag that must not be given empty.
func (fs *flagSet) text(name, def, usage string) *string {
	p := new(string)
	*p = def
	fs.Var(&textFlag{p: p}, name, usage)
	return p
}
