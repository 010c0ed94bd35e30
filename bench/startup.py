"""Start-up to the window and the first answer: the installed (frozen) app next to `python -m app`.

    python -m bench.startup [--frozen dist/confidente/confidente] [--runs 3]

Each program starts under Xvfb (Qt's xcb platform) with a fresh HOME: "first" is
its first start in that HOME (the starter model is linked or assembled, caches
are empty), "warm" the median of the next runs. The window counts as up when a
top-level window titled "Confidente" exists. The first answer is
`chat --json` on one short prompt, from process start to the printed answer
(model load included). Without a frozen app (make package), only `python -m app`
is measured. Figures are printed and written to bench-results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.xvfb import xvfb

ROOT = Path(__file__).resolve().parents[1]
FROZEN = ROOT / "dist" / "confidente" / "confidente"
RESULTS = ROOT / "bench-results" / "startup.json"
PROMPT = "What is two plus two? Answer in one short sentence."
WINDOW_TIMEOUT_S = 300.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, default=FROZEN)
    parser.add_argument("--runs", type=int, default=3, help="warm starts per program")
    args = parser.parse_args(argv)
    if not shutil.which("Xvfb") or not shutil.which("xwininfo"):
        print("bench.startup: skipped (needs Xvfb and xwininfo: apt-get install xvfb x11-utils)")
        return 0
    programs = {"python -m app": [sys.executable, "-m", "app"]}
    if args.frozen.is_file():
        programs["frozen app"] = [str(args.frozen)]
    else:
        print(f"bench.startup: no frozen app at {args.frozen} (make package); source only")
    figures = {}
    with xvfb() as display:
        for name, command in programs.items():
            figures[name] = _measure(command, display, args.runs)
    _print(figures)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def _measure(command: list[str], display: str, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="confidente-startup-") as home:
        first = _to_window(command, display, Path(home))
        warm = [_to_window(command, display, Path(home)) for _ in range(runs)]
        answer = _first_answer(command, Path(home))
    return {"window_first_s": first, "window_warm_s": statistics.median(warm), "answer_s": answer}


def _env(home: Path, **extra: str) -> dict[str, str]:
    """A fresh HOME. With no keychain here the data key comes from a passphrase file, so
    each start includes deriving it (Argon2id, about 0.3 s); a keychain is quicker."""
    keep = {k: os.environ[k] for k in ("PATH", "LANG") if k in os.environ}
    passphrase = home / "passphrase.txt"
    if not passphrase.exists():
        passphrase.write_text("a passphrase for the start-up benchmark\n", "utf-8")
        passphrase.chmod(0o600)
    return {
        **keep,
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "CONFIDENTE_PASSPHRASE_FILE": str(passphrase),
        **extra,
    }


def _to_window(command: list[str], display: str, home: Path) -> float:
    started = time.monotonic()
    app = subprocess.Popen(
        command,
        env=_env(home, DISPLAY=display, QT_QPA_PLATFORM="xcb"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while time.monotonic() - started < WINDOW_TIMEOUT_S:
            if app.poll() is not None:
                raise SystemExit(f"bench.startup: {command[0]} exited before its window appeared")
            tree = subprocess.run(
                ["xwininfo", "-root", "-tree"],
                env={"DISPLAY": display},
                capture_output=True,
                text=True,
            ).stdout
            if '"Confidente"' in tree:
                return time.monotonic() - started
            time.sleep(0.05)
        raise SystemExit(f"bench.startup: no window from {command[0]} in {WINDOW_TIMEOUT_S} s")
    finally:
        os.killpg(app.pid, signal.SIGTERM)
        try:
            app.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()


def _first_answer(command: list[str], home: Path) -> float:
    started = time.monotonic()
    result = subprocess.run(
        [*command, "chat", "--json", "--max-tokens", "16", PROMPT],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not json.loads(result.stdout).get("answer"):
        raise SystemExit(f"bench.startup: no answer from {command[0]}: {result.stderr[-500:]}")
    return time.monotonic() - started


def _print(figures: dict[str, dict[str, float]]) -> None:
    print(f"{'program':<16}{'window, first':>15}{'window, warm':>14}{'first answer':>14}")
    for name, row in figures.items():
        print(
            f"{name:<16}{row['window_first_s']:>14.2f}s{row['window_warm_s']:>13.2f}s"
            f"{row['answer_s']:>13.2f}s"
        )
    if len(figures) == 2:
        source, frozen = figures["python -m app"], figures["frozen app"]
        ratio = frozen["window_warm_s"] / source["window_warm_s"]
        print(f"frozen / source, warm start to the window: {ratio:.2f}x")


if __name__ == "__main__":
    raise SystemExit(main())
