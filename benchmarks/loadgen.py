"""Closed-loop load from separate processes on loopback (standard library only).

Each client is its own process with one HTTP connection (reopened when the server closes
it, as gunicorn's sync workers do after every response). A client sends its next request
as soon as the previous one is answered, cycling through its own request list, until the
time is up. The server is asked as if behind a TLS proxy (X-Forwarded-Proto: https), the
way production runs it.
"""

import http.client
import multiprocessing
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    first_error: str = ""
    latencies_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    bytes: list[int] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=dict)  # Server-Timing, ms
    seconds: float = 0.0

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms) or [0.0]
        return {
            "requests": self.requests,
            "errors": self.errors,
            "first_error": self.first_error,
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(statistics.median(lat), 1),
            "p95_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.95))], 1),
            "queries": max(self.queries) if self.queries else None,
            "queries_mean": round(statistics.mean(self.queries), 1) if self.queries else None,
            "bytes": round(statistics.mean(self.bytes)) if self.bytes else 0,
            **{
                f"{name}_ms": round(statistics.mean(values), 2)
                for name, values in self.timings.items()
                if values
            },
        }


def fetch(conn: http.client.HTTPConnection, host: str, spec: dict):
    headers = {
        "Host": host,
        "X-Forwarded-Proto": "https",
        "Origin": f"https://{host}",
        "Referer": f"https://{host}/",
        "Accept-Encoding": spec.get("encoding", "identity"),
        **spec["headers"],
    }
    body = spec["body"].encode() if spec.get("body") else None
    conn.request(spec["method"], spec["path"], body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.will_close:
        conn.close()
    return response, data


def _client(args) -> Result:
    port, plan, duration, start_at = args
    host = f"127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    result = Result()
    while time.time() < start_at:  # all clients begin together
        time.sleep(0.001)
    deadline = time.perf_counter() + duration
    began = time.perf_counter()
    index = 0
    while time.perf_counter() < deadline:
        spec = plan[index % len(plan)]
        index += 1
        sent = time.perf_counter()
        try:
            response, data = fetch(conn, host, spec)
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            result.errors += 1
            result.first_error = result.first_error or f"{spec['path']}: {error!r}"
            continue
        result.latencies_ms.append((time.perf_counter() - sent) * 1000)
        result.requests += 1
        if response.status >= 300:
            result.errors += 1
            result.first_error = result.first_error or (
                f"{spec['method']} {spec['path']}: HTTP {response.status} {data[:200]!r}"
            )
        queries = response.getheader("X-SQL-Queries")
        if queries is not None:
            result.queries.append(int(queries))
        result.bytes.append(len(data))
        for part in (response.getheader("Server-Timing") or "").split(","):
            name, _, duration = part.strip().partition(";dur=")
            if duration:
                result.timings.setdefault(name, []).append(float(duration))
    result.seconds = time.perf_counter() - began
    conn.close()
    return result


def client_pool(clients: int):
    """The client processes, started once and reused for every endpoint."""
    return multiprocessing.get_context("spawn").Pool(clients)


def drive(pool, port: int, plans: list[list[dict]], *, clients: int, duration: float) -> dict:
    """Run `clients` concurrent closed-loop clients for `duration` seconds."""
    start_at = time.time() + 0.3
    jobs = [(port, plans[i % len(plans)], duration, start_at) for i in range(clients)]
    parts = pool.map(_client, jobs, chunksize=1)
    total = Result()
    for part in parts:
        total.requests += part.requests
        total.errors += part.errors
        total.first_error = total.first_error or part.first_error
        total.latencies_ms += part.latencies_ms
        total.queries += part.queries
        total.bytes += part.bytes
        for name, values in part.timings.items():
            total.timings.setdefault(name, []).extend(values)
    total.seconds = max(part.seconds for part in parts)
    return total.summary()
