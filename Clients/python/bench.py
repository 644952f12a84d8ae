#!/usr/bin/env python3
"""The Python client's side of `Scripts/bench clients`.

    python3 Clients/python/bench.py --socket PATH --callers N --seconds S

N threads call GetHealth(company_id "demo") on ONE client (one connection) for
S seconds after a warm-up; prints one JSON line with calls/s and latency.
"""
import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qbsync_client import Client, messages as m  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--callers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    options = parser.parse_args()
    client = Client(options.socket)
    request = m.GetHealthRequest(company_id="demo")
    for _ in range(200):
        client.get_health(request)
    latencies = [[] for _ in range(options.callers)]
    start = time.monotonic()
    end = start + options.seconds

    def caller(out):
        while time.monotonic() < end:
            t0 = time.perf_counter_ns()
            client.get_health(request)
            out.append(time.perf_counter_ns() - t0)

    threads = [threading.Thread(target=caller, args=(latencies[i],)) for i in range(options.callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    everything = sorted(x for part in latencies for x in part)

    def percentile(p):
        return everything[min(len(everything) - 1, int(p * len(everything)))] / 1000 if everything else 0.0

    print(json.dumps({"client": "python", "callers": options.callers, "calls": len(everything), "seconds": round(elapsed, 3),
                      "calls_per_second": round(len(everything) / elapsed, 1), "p50_us": round(percentile(0.5), 1),
                      "p99_us": round(percentile(0.99), 1)}))
    client.close()


if __name__ == "__main__":
    main()
