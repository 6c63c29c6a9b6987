"""What every benchmark shares: timing GETs through Django's test client (no network), and a
description of the machine the figures were measured on."""

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
