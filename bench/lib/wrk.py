"""Load with wrk (C, event loop; apt-get install wrk): requests prepared here, picked at random."""

from __future__ import annotations

import argparse
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.machine import CpuWindow
from lib.servers import Server

MARK = "WRK_RESULT "

# Every request is formatted once per wrk thread in init(); request() only picks one.
WRK_LUA = r"""
-- written by bench/lib/wrk.py: one prepared request at random per call
local prepared = {
%(requests)s
}
local formatted = {}
local counter = 0
local ports = {%(ports)s}  -- empty: every thread loads the URL's port
function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  if #ports > 0 then  -- thread i loads server (i mod n): its connections stay with that server
    thread.addr = wrk.lookup("127.0.0.1", tostring(ports[(counter - 1) %% #ports + 1]))[1]
  end
end

function init(args)
  math.randomseed(os.time() * 100 + (thread_number or 0))
  math.random(); math.random()
  for i, r in ipairs(prepared) do
    formatted[i] = wrk.format(r[1], r[2], r[3], r[4])
  end
end

function request()
  return formatted[math.random(#formatted)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests":%%d,"duration_us":%%d,"bytes":%%d,"connect":%%d,"read":%%d,"write":%%d,' ..
    '"status":%%d,"timeout":%%d,"p50_us":%%d,"p90_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d,"mean_us":%%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99),
    latency.max, math.floor(latency.mean)))
end
"""


@dataclass(frozen=True)
class Request:
    """One HTTP request wrk may send: method, path with query, headers, JSON body (or None)."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None


def lua_string(value: str) -> str:
    """A Lua long-bracket literal of value (no escapes to get wrong); ValueError if it can't be."""
    if "]==]" in value:
        raise ValueError(f"cannot quote {value!r} for Lua")
    return f"[==[{value}]==]"


def write_lua(path: Path, requests: list[Request], ports: tuple[int, ...] = ()) -> Path:
    """Write a wrk script sending `requests` (picked at random) to path; returns path. With
    `ports`, wrk's threads are dealt out over those servers on 127.0.0.1 in turn."""
    rows = []
    for r in requests:
        headers = dict(r.headers)
        body = "nil"
        if r.body is not None:
            headers["Content-Type"] = "application/json"
            body = lua_string(json.dumps(r.body, separators=(",", ":")))
        fields = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items())
        rows.append(f"  {{{lua_string(r.method)}, {lua_string(r.path)}, {{{fields}}}, {body}}},")
    ports_lua = ", ".join(str(port) for port in ports)
    path.write_text(WRK_LUA % {"requests": "\n".join(rows), "mark": MARK, "ports": ports_lua})
    return path


def run_wrk(lua: Path, port: int, args: argparse.Namespace, seconds: float,
            server: Server | None = None) -> dict[str, Any]:
    """One wrk run of --wrk-threads threads and --clients connections for `seconds` (rounded,
    at least 1); returns requests/s (all, and ok_rps: answered 2xx/3xx), latencies in ms,
    errors and where the CPU went (cores).
    RuntimeError if wrk fails."""
    argv = ["wrk", "-t", str(args.wrk_threads), "-c", str(args.clients), "-d",
            f"{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(lua),
            f"http://127.0.0.1:{port}"]
    window = CpuWindow(args.database_name, server)
    done = subprocess.run(argv, capture_output=True, text=True)
    cpu = window.close()
    if done.returncode != 0 or MARK not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith(MARK))
    r = json.loads(line[len(MARK):])
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    server_seconds = cpu.pop("server_cpu_seconds")
    return {
        "requests": r["requests"], "rps": r["requests"] / (r["duration_us"] / 1e6),
        "ok_rps": (r["requests"] - r["status"]) / (r["duration_us"] / 1e6),  # 2xx/3xx only
        "p50_ms": r["p50_us"] / 1000, "p90_ms": r["p90_us"] / 1000,
        "p95_ms": r["p95_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000, "mean_ms": r["mean_us"] / 1000, "errors": errors,
        "error_detail": {k: r[k] for k in ("connect", "read", "write", "status", "timeout")},
        "server_cpu_ms_per_request": round(1000 * server_seconds / max(r["requests"], 1), 2),
        **cpu,
    }
