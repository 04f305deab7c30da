package ftutils_test

// The misuse table: every programmer error and bad input the library
// guards against, with what it does. docs/RELIABILITY.md reproduces the
// table. Each row is a subtest of TestMisuse:
//
//   - panic rows must panic in the caller's goroutine with a message that
//     starts with "ftutils: " and contains the row's text, and (where the
//     row has a check) leave the value usable and unchanged;
//   - error rows must return an error matching the row's sentinel;
//   - fatal rows kill the process (a sync "fatal error", which recover
//     cannot catch); they run in a child copy of the test binary, and the
//     parent checks the exit status and the message;
//   - callerPanic rows (a nil func or context used at once, in the
//     caller's goroutine) must panic there, with any message, and leave the
//     value unchanged and usable;
//   - defined rows are bad input with a documented, non-panicking outcome
//     (a negative size meaning "unbounded"); fn returns an error if the
//     outcome differs.
//
// Every row also runs under a watchdog: a misuse must never hang.
// Copying a used value is caught by go vet's copylocks check; see
// TestMisuseCopyVet.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftutils-go/ftutils"
)

type misuseKind int

const (
	misusePanic       misuseKind = iota // panics "ftutils: …"
	misuseError                         // returns a sentinel error
	misuseFatal                         // fatal error, checked in a subprocess
	misuseCallerPanic                   // a nil func panics in the caller, at once
	misuseDefined                       // bad input with a documented outcome; fn checks it
)

// misuse is one row of the table.
type misuse struct {
	name string // Type/misuse, the subtest name
	does string // the documented outcome, as in docs/RELIABILITY.md
	kind misuseKind
	want string // panic or fatal message substring
	err  error  // misuseError: the sentinel
	// fn commits the misuse. It returns the error of an error row, and
	// nil otherwise. check, if set, runs after a recovered panic and
	// reports state that the misuse corrupted.
	fn    func() error
	check func() error
}

// misuseTable lists every row. Types add their rows here as they land.
func misuseTable() []misuse {
	var rows []misuse
	rows = append(rows, atomicMisuse()...)
	rows = append(rows, mapMisuse()...)
	rows = append(rows, queueMisuse()...)
	rows = append(rows, contentionMisuse()...)
	rows = append(rows, lockMisuse()...)
	rows = append(rows, baselineMisuse()...)
	return rows
}

// baselineMisuse holds stdlib rows, for contrast with the library's
// recoverable panics (and to keep the subprocess path tested).
func baselineMisuse() []misuse {
	return []misuse{{
		name: "sync.RWMutex/Unlock_of_unlocked_(baseline)", kind: misuseFatal,
		want: "fatal error: sync: Unlock of unlocked RWMutex",
		does: "for contrast: the stdlib lock kills the process (recover cannot catch it)",
		fn:   func() error { var mu sync.RWMutex; mu.Unlock(); return nil },
	}}
}

func atomicMisuse() []misuse {
	var a ftutils.AtomicInt64
	var r ftutils.AtomicRef[int]
	var f ftutils.AtomicFlag
	x := 7
	return []misuse{
		{
			name: "AtomicInt64/Div_by_zero", kind: misusePanic, want: "Div by zero",
			does: `panics "ftutils: AtomicInt64.Div by zero"; value unchanged`,
			fn:   func() error { a.Store(42); a.Div(0); return nil },
			check: func() error {
				if got := a.Load(); got != 42 {
					return fmt.Errorf("Load() after Div(0) = %d; want 42", got)
				}
				return nil
			},
		},
		{
			name: "AtomicInt64/Update_nil_func", kind: misuseCallerPanic,
			does: "nil-func panic in the caller at once; value unchanged",
			fn:   func() error { a.Store(5); a.Update(nil); return nil },
			check: func() error {
				if got := a.Load(); got != 5 {
					return fmt.Errorf("Load() after Update(nil) = %d; want 5", got)
				}
				return nil
			},
		},
		{
			name: "AtomicRef/Update_nil_func", kind: misuseCallerPanic,
			does: "nil-func panic in the caller at once; value unchanged",
			fn:   func() error { r.Store(&x); r.Update(nil); return nil },
			check: func() error {
				if got := r.Load(); got != &x {
					return fmt.Errorf("Load() after Update(nil) = %p; want %p", got, &x)
				}
				return nil
			},
		},
		{
			name: "AtomicFlag/Wait_nil_context", kind: misuseCallerPanic,
			does: "nil-context panic in the caller when the flag is false; no waiter left behind",
			fn: func() error {
				f.Store(false)
				//lint:ignore SA1012 the nil context is the misuse under test
				return f.Wait(nil)
			},
			check: func() error {
				f.Store(true) // must not block or panic with a dead waiter registered
				if !f.Load() {
					return errors.New("Load() after Store(true) = false")
				}
				return nil
			},
		},
	}
}

// misuseChildEnv names the row a child test binary must run (fatal rows).
const misuseChildEnv = "FTUTILS_MISUSE_CHILD"

// misuseWatchdog bounds every row: a misuse must fail fast, never hang.
const misuseWatchdog = 10 * time.Second

func TestMisuse(t *testing.T) {
	rows := misuseTable()
	if child := os.Getenv(misuseChildEnv); child != "" {
		for _, m := range rows {
			if m.name == child {
				_ = m.fn() // expected to kill the process
				fmt.Fprintln(os.Stderr, "misuse child: the misuse returned")
				os.Exit(3)
			}
		}
		fmt.Fprintln(os.Stderr, "misuse child: no row", child)
		os.Exit(4)
	}
	seen := map[string]bool{}
	for _, m := range rows {
		if seen[m.name] {
			t.Fatalf("duplicate row %q", m.name)
		}
		seen[m.name] = true
		t.Run(m.name, func(t *testing.T) {
			if m.kind == misuseFatal {
				runFatalRow(t, m)
				return
			}
			done := make(chan struct{})
			var err error
			var rec any
			var panicked bool
			go func() {
				defer close(done)
				defer func() {
					rec = recover()
				}()
				panicked = true
				err = m.fn()
				panicked = false
			}()
			select {
			case <-done:
			case <-time.After(misuseWatchdog):
				t.Fatalf("misuse hung for %v; want: %s", misuseWatchdog, m.does)
			}
			checkRow(t, m, panicked, rec, err)
			if m.check != nil {
				if cerr := m.check(); cerr != nil {
					t.Errorf("after the misuse: %v", cerr)
				}
			}
			t.Logf("%s: %s", m.name, m.does)
		})
	}
}

func checkRow(t *testing.T, m misuse, panicked bool, rec any, err error) {
	t.Helper()
	switch m.kind {
	case misusePanic:
		if !panicked {
			t.Fatalf("no panic (returned %v); want a panic containing %q", err, m.want)
		}
		msg := fmt.Sprint(rec)
		if !strings.HasPrefix(msg, "ftutils: ") || !strings.Contains(msg, m.want) {
			t.Fatalf("panic %q; want a message starting \"ftutils: \" containing %q", msg, m.want)
		}
	case misuseCallerPanic:
		if !panicked {
			t.Fatalf("no panic (returned %v); want a panic in the caller", err)
		}
	case misuseDefined:
		if panicked {
			t.Fatalf("panic %v; want: %s", rec, m.does)
		}
		if err != nil {
			t.Fatalf("%v; want: %s", err, m.does)
		}
	case misuseError:
		if panicked {
			t.Fatalf("panic %v; want error %v", rec, m.err)
		}
		if !errors.Is(err, m.err) {
			t.Fatalf("error %v; want %v", err, m.err)
		}
	}
}

// runFatalRow re-executes the test binary with only this row selected and
// misuseChildEnv set, and expects it to die with m.want on stderr.
func runFatalRow(t *testing.T, m misuse) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMisuse$", "-test.count=1")
	cmd.Env = append(os.Environ(), misuseChildEnv+"="+m.name)
	done := make(chan struct{})
	var out []byte
	var err error
	go func() {
		defer close(done)
		out, err = cmd.CombinedOutput()
	}()
	select {
	case <-done:
	case <-time.After(misuseWatchdog):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("child hung for %v; want: %s", misuseWatchdog, m.does)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("child exited with %v; want a fatal error %q\n%s", err, m.want, out)
	}
	if ee.ExitCode() == 3 || !strings.Contains(string(out), m.want) {
		t.Fatalf("child exited %d without %q:\n%s", ee.ExitCode(), m.want, out)
	}
	t.Logf("%s: %s", m.name, m.does)
}

// vetMark matches the "// vet: Type" comment on each copying line of
// testdata/copylocks/copylocks.go.
var vetMark = regexp.MustCompile(`// vet: ([A-Za-z0-9-]+)$`)

// TestMisuseCopyVet proves that copying a used value of every ftutils type
// is reported by go vet's copylocks check: it runs go vet on a package that
// copies each one (testdata, so ./... skips it) and expects a report on
// every marked line.
func TestMisuseCopyVet(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to run vet with")
	}
	src := filepath.Join("testdata", "copylocks", "copylocks.go")
	file, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{} // line -> type
	sc := bufio.NewScanner(file)
	for line := 1; sc.Scan(); line++ {
		if m := vetMark.FindStringSubmatch(sc.Text()); m != nil {
			want[line] = m[1]
		}
	}
	file.Close()
	if len(want) == 0 {
		t.Fatal("no // vet: marks in " + src)
	}
	cmd := exec.Command(goBin, "vet", "-copylocks", "./testdata/copylocks")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet reported nothing; want copylocks reports on %d lines", len(want))
	}
	got := map[int]bool{}
	lineRe := regexp.MustCompile(`copylocks\.go:(\d+):\d+: .*(copies lock|passes lock|lock by value)`)
	for _, l := range strings.Split(string(out), "\n") {
		if m := lineRe.FindStringSubmatch(l); m != nil {
			var n int
			fmt.Sscan(m[1], &n)
			got[n] = true
		}
	}
	for line, typ := range want {
		if !got[line] {
			t.Errorf("go vet did not report the copy of a used %s at %s:%d\nvet output:\n%s", typ, src, line, out)
		}
	}
}

func queueMisuse() []misuse {
	shut := func() *ftutils.Queue[int] {
		q := new(ftutils.Queue[int])
		q.Shutdown(false)
		return q
	}
	wshut := func() *ftutils.WorkQueue[int] {
		q := ftutils.NewWorkQueue[int](2)
		q.Shutdown(false)
		return q
	}
	var wq *ftutils.WorkQueue[int]
	var dq *ftutils.Deque[int]
	return []misuse{
		{
			name: "Queue/Push_after_Shutdown", kind: misuseError, err: ftutils.ErrShutDown,
			does: "returns ErrShutDown; the item stays with the caller",
			fn:   func() error { return shut().Push(1) },
		},
		{
			name: "Queue/Pop_after_Shutdown_drained", kind: misuseError, err: ftutils.ErrShutDown,
			does: "returns ErrShutDown at once (never blocks)",
			fn:   func() error { _, err := shut().Pop(context.Background()); return err },
		},
		{
			name: "Queue/PopTimeout_negative", kind: misuseError, err: ftutils.ErrEmpty,
			does: "a negative or zero timeout does not wait: ErrEmpty on an empty queue",
			fn:   func() error { _, err := new(ftutils.Queue[int]).PopTimeout(-time.Second); return err },
		},
		{
			name: "Queue/Pop_nil_context", kind: misuseCallerPanic,
			does: "nil-context panic in the caller at once; queue unchanged",
			fn: func() error {
				//lint:ignore SA1012 the nil context is the misuse under test
				_, err := new(ftutils.Queue[int]).Pop(nil)
				return err
			},
		},
		{
			name: "Queue/Shutdown_twice", kind: misuseDefined,
			does: "allowed: a second Shutdown(true) after Shutdown(false) returns what is left",
			fn: func() error {
				var q ftutils.Queue[int]
				q.Push(1)
				q.Shutdown(false)
				if left := q.Shutdown(true); len(left) != 1 || left[0] != 1 {
					return fmt.Errorf("Shutdown(true) after Shutdown(false) = %v; want [1]", left)
				}
				return nil
			},
		},
		{
			name: "WorkQueue/TaskDone_too_often", kind: misusePanic, want: "TaskDone called more times",
			does: `panics "ftutils: WorkQueue.TaskDone called more times than there were items"; count unchanged`,
			fn: func() error {
				wq = ftutils.NewWorkQueue[int](0)
				wq.TryPut(1)
				wq.TryGet()
				wq.TaskDone()
				wq.TaskDone()
				return nil
			},
			check: func() error {
				if n := wq.Unfinished(); n != 0 {
					return fmt.Errorf("Unfinished() after the extra TaskDone = %d; want 0", n)
				}
				ctx, cancel := context.WithTimeout(context.Background(), misuseWatchdog)
				defer cancel()
				return wq.Join(ctx)
			},
		},
		{
			name: "WorkQueue/Put_after_Shutdown", kind: misuseError, err: ftutils.ErrShutDown,
			does: "Put, TryPut and PutTimeout return ErrShutDown; the item stays with the caller",
			fn: func() error {
				q := wshut()
				if err := q.TryPut(1); !errors.Is(err, ftutils.ErrShutDown) {
					return fmt.Errorf("TryPut: %v", err)
				}
				if err := q.PutTimeout(1, time.Millisecond); !errors.Is(err, ftutils.ErrShutDown) {
					return fmt.Errorf("PutTimeout: %v", err)
				}
				return q.Put(context.Background(), 1)
			},
		},
		{
			name: "WorkQueue/Get_after_Shutdown_drained", kind: misuseError, err: ftutils.ErrShutDown,
			does: "Get, TryGet and GetTimeout return ErrShutDown at once",
			fn: func() error {
				q := wshut()
				if _, err := q.TryGet(); !errors.Is(err, ftutils.ErrShutDown) {
					return fmt.Errorf("TryGet: %v", err)
				}
				if _, err := q.GetTimeout(time.Hour); !errors.Is(err, ftutils.ErrShutDown) {
					return fmt.Errorf("GetTimeout: %v", err)
				}
				_, err := q.Get(context.Background())
				return err
			},
		},
		{
			name: "WorkQueue/negative_maxsize", kind: misuseDefined,
			does: "NewWorkQueue(n <= 0) is unbounded, like queue.Queue(maxsize=n): Cap() 0",
			fn: func() error {
				q := ftutils.NewWorkQueue[int](-5)
				for i := range 100 {
					if err := q.TryPut(i); err != nil {
						return fmt.Errorf("TryPut(%d) on NewWorkQueue(-5) = %v; want nil", i, err)
					}
				}
				if c := q.Cap(); c != 0 {
					return fmt.Errorf("Cap() = %d; want 0", c)
				}
				return nil
			},
		},
		{
			name: "WorkQueue/Join_nil_context", kind: misuseCallerPanic,
			does: "nil-context panic in the caller at once",
			fn: func() error {
				//lint:ignore SA1012 the nil context is the misuse under test
				return ftutils.NewWorkQueue[int](0).Join(nil)
			},
		},
		{
			name: "Deque/negative_maxLen", kind: misuseDefined,
			does: "NewDeque(n <= 0) is unbounded: MaxLen() 0",
			fn: func() error {
				d := ftutils.NewDeque[int](-1)
				for i := range 100 {
					d.PushBack(i)
				}
				if n, m := d.Len(), d.MaxLen(); n != 100 || m != 0 {
					return fmt.Errorf("Len(), MaxLen() = %d, %d; want 100, 0", n, m)
				}
				return nil
			},
		},
		{
			name: "Deque/Pop_empty", kind: misuseDefined,
			does: "PopFront/PopBack on an empty deque return ok false (ft_utils raises RuntimeError)",
			fn: func() error {
				var d ftutils.Deque[int]
				if _, ok := d.PopFront(); ok {
					return errors.New("PopFront() on empty: ok true")
				}
				if _, ok := d.PopBack(); ok {
					return errors.New("PopBack() on empty: ok true")
				}
				return nil
			},
		},
		{
			name: "Deque/RemoveFunc_nil_func", kind: misuseCallerPanic,
			does: "nil-func panic in the caller when the deque is not empty; the deque stays usable (lock released)",
			fn: func() error {
				var d ftutils.Deque[int]
				d.PushBack(1)
				dq = &d
				d.RemoveFunc(nil)
				return nil
			},
			check: func() error {
				done := make(chan int)
				go func() { dq.PushBack(2); done <- dq.Len() }()
				select {
				case n := <-done:
					if n != 2 {
						return fmt.Errorf("Len() = %d; want 2", n)
					}
					return nil
				case <-time.After(misuseWatchdog):
					return errors.New("deque still locked after the panic")
				}
			},
		},
	}
}

func contentionMisuse() []misuse {
	var g ftutils.Gatherer[int]
	var be *ftutils.BatchExecutor[int]
	return []misuse{
		{
			name: "BatchExecutor/source_panics", kind: misuseCallerPanic,
			does: "the source's panic reaches the Load that called it (never swallowed); the executor closes: later Loads return ErrClosed, no hang",
			fn: func() error {
				be = ftutils.NewBatchExecutor(func() int { panic("source boom") }, 2)
				_, err := be.Load()
				return err
			},
			check: func() error {
				done := make(chan error, 1)
				go func() { _, err := be.Load(); done <- err }()
				select {
				case err := <-done:
					if !errors.Is(err, ftutils.ErrClosed) {
						return fmt.Errorf("Load after the source panicked = %v; want ErrClosed", err)
					}
					return nil
				case <-time.After(misuseWatchdog):
					return errors.New("Load after the source panicked hung")
				}
			},
		},
		{
			name: "BatchExecutor/nil_source", kind: misusePanic, want: "nil source",
			does: `NewBatchExecutor(nil, n) panics "ftutils: NewBatchExecutor: nil source" at construction, not at the first Load`,
			fn:   func() error { ftutils.NewBatchExecutor[int](nil, 4); return nil },
		},
		{
			name: "BatchExecutor/nil_source_Err", kind: misusePanic, want: "nil source",
			does: `NewBatchExecutorErr(nil, n) panics "ftutils: NewBatchExecutorErr: nil source"`,
			fn:   func() error { ftutils.NewBatchExecutorErr[int](nil, 4); return nil },
		},
		{
			name: "BatchExecutor/zero_size", kind: misusePanic, want: "size 0 < 1",
			does: `NewBatchExecutor(f, 0) panics "ftutils: NewBatchExecutor: size 0 < 1"`,
			fn:   func() error { ftutils.NewBatchExecutor(func() int { return 1 }, 0); return nil },
		},
		{
			name: "BatchExecutor/negative_size", kind: misusePanic, want: "size -3 < 1",
			does: `NewBatchExecutor(f, -3) panics "ftutils: NewBatchExecutor: size -3 < 1"`,
			fn:   func() error { ftutils.NewBatchExecutor(func() int { return 1 }, -3); return nil },
		},
		{
			name: "BatchExecutor/Local_zero_chunk", kind: misusePanic, want: "chunk 0 < 1",
			does: `Local(0) panics "ftutils: BatchExecutor.Local: chunk 0 < 1"`,
			fn:   func() error { ftutils.NewBatchExecutor(func() int { return 1 }, 2).Local(0); return nil },
		},
		{
			name: "BatchExecutor/Load_after_Close", kind: misuseError, err: ftutils.ErrClosed,
			does: "Load after Close returns an error wrapping ErrClosed (the source is not called)",
			fn: func() error {
				calls := 0
				e := ftutils.NewBatchExecutor(func() int { calls++; return 1 }, 2)
				e.Close()
				_, err := e.Load()
				if calls != 0 {
					return fmt.Errorf("source called %d times after Close", calls)
				}
				return err
			},
		},
		{
			name: "Gatherer/negative_key", kind: misusePanic, want: "negative key -1",
			does: `Insert(-1, v) panics "ftutils: Gatherer.Insert: negative key -1"`,
			fn:   func() error { return g.Insert(-1, 0) },
		},
		{
			name: "Gatherer/duplicate_key", kind: misuseError, err: ftutils.ErrDuplicateKey,
			does: "a second Insert of a key returns an error wrapping ErrDuplicateKey and keeps the first value",
			fn: func() error {
				var d ftutils.Gatherer[int]
				if err := d.Insert(0, 1); err != nil {
					return err
				}
				err := d.Insert(0, 2)
				for v, ierr := range d.Iter(context.Background(), 0, false) {
					if ierr != nil || v != 1 {
						return fmt.Errorf("Iter after the duplicate = %d, %v; want 1, nil", v, ierr)
					}
				}
				return err
			},
		},
		{
			name: "Gatherer/negative_from", kind: misusePanic, want: "negative from -2",
			does: `IterFrom(ctx, -2, …) panics "ftutils: Gatherer.IterFrom: negative from -2"`,
			fn:   func() error { g.IterFrom(context.Background(), -2, 3, false); return nil },
		},
		{
			name: "Gatherer/Insert_after_Fail", kind: misuseError, err: ftutils.ErrClosed,
			does: "Insert after Fail returns the failure error, wrapping ErrClosed",
			fn: func() error {
				var f ftutils.Gatherer[int]
				f.Fail(nil)
				return f.Insert(0, 1)
			},
		},
		{
			name: "Gatherer/negative_maxKey", kind: misuseDefined,
			does: "Iter(ctx, -1, …) yields nothing and does not block",
			fn: func() error {
				for v, err := range g.Iter(context.Background(), -1, true) {
					return fmt.Errorf("Iter(ctx, -1) yielded %d, %v", v, err)
				}
				return nil
			},
		},
		{
			name: "Sharded/nil_init", kind: misusePanic, want: "nil init",
			does: `NewSharded(nil) panics "ftutils: NewSharded: nil init"`,
			fn:   func() error { ftutils.NewSharded[int](nil); return nil },
		},
	}
}

func mapMisuse() []misuse {
	var m ftutils.Map[int, int]
	mapUsable := func(k, want int) func() error {
		return func() error {
			done := make(chan error, 1)
			go func() {
				v, ok := m.Load(k)
				m.Store(k+100, 1) // a write to the same shard must not block
				if !ok || v != want {
					done <- fmt.Errorf("Load(%d) = %d, %v; want %d, true", k, v, ok, want)
					return
				}
				done <- nil
			}()
			select {
			case err := <-done:
				return err
			case <-time.After(misuseWatchdog):
				return errors.New("map still locked after the panic")
			}
		}
	}
	return []misuse{
		{
			name: "Map/negative_capacity", kind: misusePanic, want: "negative capacity",
			does: `NewMap(WithMapCapacity(-1)) panics "ftutils: WithMapCapacity: negative capacity"`,
			fn:   func() error { ftutils.NewMap[int, int](ftutils.WithMapCapacity(-1)); return nil },
		},
		{
			name: "Map/capacity_too_large", kind: misusePanic, want: "capacity too large",
			does: `NewMap(WithMapCapacity(math.MaxInt)) panics "ftutils: WithMapCapacity: capacity too large" (no table for it fits any address space; it used to loop forever)`,
			fn:   func() error { ftutils.NewMap[int, int](ftutils.WithMapCapacity(math.MaxInt)); return nil },
		},
		{
			name: "Map/zero_shards", kind: misusePanic, want: "shard count must be positive",
			does: `NewMap(WithMapShards(0)) panics "ftutils: WithMapShards: shard count must be positive"`,
			fn:   func() error { ftutils.NewMap[int, int](ftutils.WithMapShards(0)); return nil },
		},
		{
			name: "Map/CompareAndSwap_non-comparable", kind: misusePanic, want: "not comparable",
			does: `CompareAndSwap on a Map[K, []int] panics "ftutils: Map.CompareAndSwap: value type []int is not comparable" (sync.Map: a runtime error)`,
			fn: func() error {
				var s ftutils.Map[int, []int]
				s.Store(1, []int{1})
				s.CompareAndSwap(1, []int{1}, []int{2})
				return nil
			},
		},
		{
			name: "Map/CompareAndDelete_non-comparable", kind: misusePanic, want: "not comparable",
			does: `CompareAndDelete on a Map[K, []int] panics "ftutils: Map.CompareAndDelete: …is not comparable"`,
			fn: func() error {
				var s ftutils.Map[int, []int]
				s.Store(1, []int{1})
				s.CompareAndDelete(1, []int{1})
				return nil
			},
		},
		{
			name: "Map/Compute_invalid_op", kind: misusePanic, want: "invalid ComputeOp",
			does: `a ComputeOp outside the constants panics "ftutils: Map.Compute: invalid ComputeOp"; entry unchanged, shard unlocked`,
			fn: func() error {
				m.Store(1, 10)
				m.Compute(1, func(int, bool) (int, ftutils.ComputeOp) { return 5, 99 })
				return nil
			},
			check: mapUsable(1, 10),
		},
		{
			name: "Map/Compute_nil_func", kind: misuseCallerPanic,
			does:  "nil-func panic in the caller at once; entry unchanged, shard unlocked",
			fn:    func() error { m.Store(2, 20); m.Compute(2, nil); return nil },
			check: mapUsable(2, 20),
		},
		{
			name: "Map/Compute_func_panics", kind: misuseCallerPanic,
			does: "the callback's panic propagates to the caller; entry unchanged, shard unlocked",
			fn: func() error {
				m.Store(3, 30)
				m.Compute(3, func(int, bool) (int, ftutils.ComputeOp) { panic("boom") })
				return nil
			},
			check: mapUsable(3, 30),
		},
		{
			name: "Map/LoadOrCompute_nil_func", kind: misuseCallerPanic,
			does: "nil-func panic in the caller when the key is absent; nothing stored, shard unlocked",
			fn:   func() error { m.Store(4, 40); m.LoadOrCompute(5, nil); return nil },
			check: func() error {
				if v, ok := m.Load(5); ok {
					return fmt.Errorf("Load(5) = %d, true after LoadOrCompute(5, nil) panicked; want absent", v)
				}
				return mapUsable(4, 40)()
			},
		},
	}
}

func lockMisuse() []misuse {
	var rw ftutils.RWLock
	var il ftutils.IntervalLock
	rwUsable := func() error {
		if !rw.TryLock() {
			return errors.New("TryLock() after the misuse = false on an idle lock")
		}
		rw.Unlock()
		if !rw.TryRLock() {
			return errors.New("TryRLock() after the misuse = false on an idle lock")
		}
		rw.RUnlock()
		if n := rw.Readers(); n != 0 || rw.WriterLocked() {
			return fmt.Errorf("Readers(), WriterLocked() = %d, %v; want 0, false", n, rw.WriterLocked())
		}
		return nil
	}
	ilUsable := func() error {
		if !il.TryLock() {
			return errors.New("TryLock() after the misuse = false on an idle lock")
		}
		il.Unlock()
		if il.Locked() {
			return errors.New("Locked() = true after Unlock")
		}
		return nil
	}
	return []misuse{
		{
			name: "RWLock/Unlock_of_unlocked", kind: misusePanic, want: "RWLock.Unlock of unlocked",
			does:  `panics "ftutils: RWLock.Unlock of unlocked RWLock" (sync.RWMutex: fatal error); lock state intact`,
			fn:    func() error { rw.Unlock(); return nil },
			check: rwUsable,
		},
		{
			name: "RWLock/RUnlock_of_unlocked", kind: misusePanic, want: "RWLock.RUnlock of unlocked",
			does:  `panics "ftutils: RWLock.RUnlock of unlocked RWLock" (sync.RWMutex: fatal error); lock state intact`,
			fn:    func() error { rw.RUnlock(); return nil },
			check: rwUsable,
		},
		{
			name: "RWLock/Unlock_while_read_locked", kind: misusePanic, want: "RWLock.Unlock of unlocked",
			does: `panics "ftutils: RWLock.Unlock of unlocked RWLock"; the reader keeps its hold`,
			fn:   func() error { rw.RLock(); rw.Unlock(); return nil },
			check: func() error {
				if n := rw.Readers(); n != 1 {
					return fmt.Errorf("Readers() = %d; want 1", n)
				}
				rw.RUnlock()
				return rwUsable()
			},
		},
		{
			name: "IntervalLock/Unlock_of_unlocked", kind: misusePanic, want: "IntervalLock.Unlock of unlocked",
			does:  `panics "ftutils: IntervalLock.Unlock of unlocked lock"; lock usable`,
			fn:    func() error { il.Unlock(); return nil },
			check: ilUsable,
		},
		{
			name: "IntervalLock/Cede_of_unlocked", kind: misusePanic, want: "IntervalLock.Cede of unlocked",
			does:  `panics "ftutils: IntervalLock.Cede of unlocked lock"`,
			fn:    func() error { il.Cede(); return nil },
			check: ilUsable,
		},
		{
			name: "IntervalLock/Poll_of_unlocked", kind: misusePanic, want: "IntervalLock.Poll of unlocked",
			does:  `panics "ftutils: IntervalLock.Poll of unlocked lock"`,
			fn:    func() error { il.Poll(); return nil },
			check: ilUsable,
		},
		{
			name: "IntervalLock/zero_interval", kind: misusePanic, want: "interval must be positive",
			does: `NewIntervalLock(0) panics "ftutils: NewIntervalLock: interval must be positive, got 0s"`,
			fn:   func() error { ftutils.NewIntervalLock(0); return nil },
		},
		{
			name: "IntervalLock/negative_interval", kind: misusePanic, want: "interval must be positive",
			does: `NewIntervalLock(-1ms) panics (ft_utils accepts it)`,
			fn:   func() error { ftutils.NewIntervalLock(-time.Millisecond); return nil },
		},
		{
			name: "IntervalLock/LockContext_done_context", kind: misuseError, err: context.Canceled,
			does: "a done context returns ctx.Err() even when the lock is free; lock unchanged",
			fn: func() error {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return il.LockContext(ctx)
			},
			check: ilUsable,
		},
	}
}
