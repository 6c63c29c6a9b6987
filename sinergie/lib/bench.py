"""Benchmark of the foundation's public endpoints, through Django's test client (no network)."""

from __future__ import annotations

import os
import platform
import time
from typing import Any

from django.test import Client


def timed_get(client: Client, path: str, repeat: int) -> dict[str, float]:
    """Median and 95th percentile in ms of `repeat` GETs of `path`; any non-200 answer aborts."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise LookupError(f"{path} answered {response.status_code}")
    timings.sort()
    return {
        "median_ms": round(timings[len(timings) // 2] * 1000, 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 2),
    }


def bench_foundation(repeat: int = 200) -> dict[str, Any]:
    """Median and 95th percentile of the home page, health check and municipality API."""
    client = Client()
    figures: dict[str, Any] = {"requests_per_path": repeat, "cpu_count": os.cpu_count()}
    for label, path in [
        ("healthz", "/healthz"),
        ("home_it", "/"),
        ("home_en", "/en/"),
        ("api_municipalities_mi", "/api/v1/territory/municipalities?province=MI"),
        ("api_municipalities_q", "/api/v1/territory/municipalities?q=cernusco"),
        ("alliance_list", "/alleanze/"),
    ]:
        for key, value in timed_get(client, path, repeat).items():
            figures[f"{label}_{key}"] = value
    return figures


def machine() -> dict[str, Any]:
    """What the figures were measured on: CPU model, cores, memory, Python."""
    cpu = platform.processor() or platform.machine()
    memory_gib = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), cpu)
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")), 0)
            memory_gib = round(kib / 1024 / 1024, 1)
    except OSError:
        pass  # not Linux: the platform module's answer will do
    return {"python": platform.python_version(), "cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory_gib}
