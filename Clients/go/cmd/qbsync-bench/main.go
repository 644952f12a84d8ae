// Command qbsync-bench measures unary call throughput and latency of the Go
// client: N goroutines calling GetHealth(company_id "demo") on ONE client (one
// connection) for S seconds. It prints one JSON line:
//
//	{"client":"go","callers":N,"calls":C,"seconds":S,"calls_per_second":X,"p50_us":Y,"p99_us":Z}
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"qbsync"
	qbsyncv1 "qbsync/pb/v1"
)

func main() {
	socket := flag.String("socket", "", "the server's Unix socket (required)")
	callers := flag.Int("callers", 1, "concurrent callers (goroutines)")
	seconds := flag.Float64("seconds", 5, "how long to run")
	flag.Parse()
	if *socket == "" || *callers < 1 || *seconds <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	client := qbsync.New(*socket)
	defer client.Close()
	svc := qbsyncv1.NewQuickBooksSyncClient(client)
	ctx := context.Background()
	request := &qbsyncv1.GetHealthRequest{CompanyId: "demo"}
	if _, err := svc.GetHealth(ctx, request); err != nil { // connect and warm up
		fmt.Fprintln(os.Stderr, "qbsync-bench:", err)
		os.Exit(1)
	}

	duration := time.Duration(*seconds * float64(time.Second))
	latencies := make([][]time.Duration, *callers)
	failures := make([]error, *callers)
	var wg sync.WaitGroup
	started := time.Now()
	end := started.Add(duration)
	for i := 0; i < *callers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			own := make([]time.Duration, 0, 1<<14)
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				if _, err := svc.GetHealth(ctx, request); err != nil {
					failures[i] = err
					break
				}
				own = append(own, time.Since(t0))
			}
			latencies[i] = own
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(started).Seconds()
	for _, err := range failures {
		if err != nil {
			fmt.Fprintln(os.Stderr, "qbsync-bench: a call failed:", err)
			os.Exit(1)
		}
	}
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	percentile := func(p float64) int64 {
		if len(all) == 0 {
			return 0
		}
		i := int(p * float64(len(all)-1))
		return all[i].Microseconds()
	}
	out, _ := json.Marshal(struct {
		Client         string  `json:"client"`
		Callers        int     `json:"callers"`
		Calls          int     `json:"calls"`
		Seconds        float64 `json:"seconds"`
		CallsPerSecond float64 `json:"calls_per_second"`
		P50            int64   `json:"p50_us"`
		P99            int64   `json:"p99_us"`
	}{"go", *callers, len(all), *seconds, float64(int64(float64(len(all))/elapsed*10)) / 10, percentile(0.50), percentile(0.99)})
	fmt.Println(string(out))
}
