"""Model benchmarks: `make bench` (figures are printed, nothing is asserted).

1. Download: the starter GGUF (250 MB) through huggingface-hub from the local
   Hub stand-in (tests/hub_standin.py; there is no internet here), including
   the SHA-256 check, against a plain file copy of the same bytes in the same
   run. The ratio is the cost of HTTP, progress, resume bookkeeping and
   verification on top of moving the bytes.
2. Checking a model before its first load: the child-process trial (header,
   vocabulary-only llama.cpp load, template probe) against loading the same
   model in-process, in the same run.
3. The catalog's fit on this machine.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from app.core.models.download import DownloadControl, Downloader, DownloadRequest
from app.core.models.engine import Engine, EngineConfig
from app.core.models.fit import assess
from app.core.models.hardware import detect_machine
from app.core.models.model_catalog import load_catalog
from app.core.models.starter import ensure_starter_model
from app.core.models.vetting import vet_model
from tests.hub_standin import HubStandIn

ROUNDS = 3


def _best(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s (best {min(times):.2f} s)"


def bench_download(starter: Path, work: Path) -> None:
    copies: list[float] = []
    downloads: list[float] = []
    with HubStandIn() as hub:
        hub.add_file("bench/starter", "starter.gguf", starter)
        os.environ["HF_ENDPOINT"] = hub.endpoint
        request = DownloadRequest.from_hub_path("bench/starter/starter.gguf")
        for round in range(ROUNDS):
            target = work / f"copy-{round}.gguf"
            started = time.perf_counter()
            shutil.copyfile(starter, target)
            copies.append(time.perf_counter() - started)
            target.unlink()
            folder = work / f"download-{round}"
            started = time.perf_counter()
            Downloader(folder).fetch(request, DownloadControl(), lambda progress: None)
            downloads.append(time.perf_counter() - started)
            shutil.rmtree(folder)
    size_mb = starter.stat().st_size / 1e6
    print(f"Download of {size_mb:.0f} MB from the local Hub stand-in, verified:")
    print(f"  plain copy:  {_best(copies)}  ({size_mb / statistics.median(copies):.0f} MB/s)")
    print(f"  download:    {_best(downloads)}  ({size_mb / statistics.median(downloads):.0f} MB/s)")
    ratio = statistics.median(downloads) / statistics.median(copies)
    print(f"  ratio:       {ratio:.1f}x the copy")


def bench_check(starter: Path, work: Path) -> None:
    checks: list[float] = []
    loads: list[float] = []
    for round in range(ROUNDS):
        started = time.perf_counter()
        vet_model(starter, work / f"vetted-{round}.json", fresh=True)
        checks.append(time.perf_counter() - started)
        started = time.perf_counter()
        Engine(EngineConfig(starter, context_length=2048, threads=2)).close()
        loads.append(time.perf_counter() - started)
    cached_at = time.perf_counter()
    vet_model(starter, work / "vetted-0.json")
    cached = time.perf_counter() - cached_at
    print("Checking the starter before its first load:")
    print(f"  child-process trial:  {_best(checks)}")
    print(f"  in-process load:      {_best(loads)}")
    print(f"  ratio:                {statistics.median(checks) / statistics.median(loads):.1f}x")
    print(f"  later loads (cached): {cached * 1000:.1f} ms")


def bench_fit() -> None:
    machine = detect_machine()
    print(
        f"Catalog fit at 4096 tokens of context, {machine.physical_cores} cores, "
        f"{machine.total_memory / 2**30:.0f} GiB RAM, GPUs: {len(machine.gpus)}:"
    )
    for entry in load_catalog():
        fit = assess(entry.shape, 4096, machine)
        print(f"  {entry.id:<34} {fit.verdict.value:<10} {fit.reason}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        starter = ensure_starter_model(work / "models")
        bench_download(starter, work)
        bench_check(starter, work)
        bench_fit()


if __name__ == "__main__":
    main()
