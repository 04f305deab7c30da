package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// workerEnv marks a re-executed copy of this program as a worker process.
const workerEnv = "FTUTILS_FIBONACCI_WORKER"

// runProcesses is the seed's "processes" mode: a pool of workers real OS
// processes (this program re-executed with workerEnv set) per run, as
// `with ProcessPoolExecutor(workers)` creates one per run. Tasks go to a
// worker over its stdin and answers come back over its stdout, one line
// each, so every number crosses a pipe twice (encoded, as pickling does);
// each process keeps a private memo that no other process sees. Like the
// executor, an idle worker takes the next task as soon as it has answered.
func runProcesses(positions []int, workers int) ([]*big.Int, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("processes: %w", err)
	}
	results := make([]*big.Int, len(positions))
	var next atomic.Int64 // index of the next task to hand out
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { errs[w] = drive(exe, positions, results, &next) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("processes: %w", err)
	}
	return results, nil
}

// drive starts one worker process and feeds it tasks until none are left.
func drive(exe string, positions []int, results []*big.Int, next *atomic.Int64) error {
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	in := bufio.NewWriter(stdin)
	out := bufio.NewReader(stdout)
	var ferr error
	for {
		i := int(next.Add(1) - 1)
		if i >= len(positions) {
			break
		}
		if _, ferr = fmt.Fprintf(in, "%d\n", positions[i]); ferr != nil {
			break
		}
		if ferr = in.Flush(); ferr != nil {
			break
		}
		line, err := out.ReadString('\n')
		if err != nil {
			ferr = fmt.Errorf("reading worker answer: %w", err)
			break
		}
		v, ok := new(big.Int).SetString(strings.TrimSpace(line), 16)
		if !ok {
			ferr = fmt.Errorf("worker answered %.20q", line)
			break
		}
		results[i] = v
	}
	stdin.Close()
	werr := cmd.Wait()
	return errors.Join(ferr, werr)
}

// workerMain is the body of a worker process: read positions, one per
// line, and answer each with F(n) in hexadecimal, using a memo private to
// this process. It returns the process exit code.
func workerMain(r io.Reader, w, stderr io.Writer) int {
	in := bufio.NewScanner(r)
	out := bufio.NewWriter(w)
	m := plainMemo{}
	for in.Scan() {
		n, err := strconv.Atoi(in.Text())
		if err != nil || n < 0 {
			fmt.Fprintf(stderr, "fibonacci worker: bad task %q\n", in.Text())
			return 2
		}
		out.WriteString(fib(n, m, nopTally{}, nopTally{}).f.Text(16))
		out.WriteByte('\n')
		if err := out.Flush(); err != nil {
			return 1
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(stderr, "fibonacci worker:", err)
		return 1
	}
	return 0
}
