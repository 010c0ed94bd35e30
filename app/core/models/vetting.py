"""Check a model file before it is first loaded: header here, then a trial in a child.

Model files come from anywhere (a download, a USB stick, another tool's
folder). Before llama.cpp loads one in the app's own process:

1. The GGUF header is parsed here with hard limits (`app.core.models.gguf`): magic,
   version, counts, string and array sizes, alignment, and that the tensor
   data the header promises is in the file.
2. A spawned child process, under an address-space limit and a deadline, loads
   the vocabulary only (`vocab_only=True`) with llama.cpp, then renders the
   file's chat template in the Jinja sandbox on a sample conversation. A crash,
   hang or memory blow-up there kills the child, not the app.

A file that fails 1 or the vocabulary load is refused with the reason. A file
whose template is broken or hangs is accepted, flagged `template_ok=False`,
and then chats in the plain transcript format instead of its template.

Results are remembered per file (path, size, modification time), so the
trial runs once per file, not once per load.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import threading
import time
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from app.core import privacy
from app.core.cancel import CancelToken
from app.core.errors import ConfidenteError, ModelError
from app.core.models.gguf import read_gguf_info

TRIAL_SECONDS = 120.0  # a fresh interpreter importing llama.cpp and reading a 250k vocabulary
TEMPLATE_SECONDS = 5.0  # rendering a chat template takes milliseconds
TRIAL_MEMORY_BYTES = 4 << 30  # the vocabulary of any real model needs far less
_MAX_REPLY_BYTES = 64 * 1024
_SLICE_SECONDS = 0.1
_log = logging.getLogger("confidente.models")


@dataclass(frozen=True)
class Vetted:
    """A model file that passed its checks."""

    path: str
    size: int
    mtime_ns: int
    vocabulary: int
    template_ok: bool
    template_note: str  # why the template is not used, or ""


def vet_model(
    path: Path, cache_file: Path, cancel: CancelToken | None = None, *, fresh: bool = False
) -> Vetted:
    """Return the checks' result for `path`; raise ModelError with the reason if refused."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = str(path.resolve())
    cache = _VettedCache(cache_file)
    known = None if fresh or stat is None else cache.get(key)
    if (
        known is not None
        and stat is not None
        and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    ):
        return known
    info = read_gguf_info(path)  # step 1, in-process: pure Python with limits
    stat = path.stat()
    reply = _run_trial(path, cancel)
    if reply.get("status") != "ok":
        raise ModelError(
            f"{path.name} was refused: {reply.get('reason', 'the trial load failed')}.",
            detail=str(reply.get("detail", "")),
        )
    template_ok = bool(reply.get("template_ok", info.chat_template is None))
    vetted = Vetted(
        path=key,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        vocabulary=int(str(reply.get("vocabulary", 0))),
        template_ok=template_ok,
        template_note=str(reply.get("template_note", "")),
    )
    cache.put(key, vetted)
    return vetted


def _run_trial(path: Path, cancel: CancelToken | None) -> dict[str, object]:
    context = multiprocessing.get_context("spawn")
    conn, child_end = context.Pipe(duplex=False)
    process = context.Process(
        target=_trial,
        args=(str(path), child_end),
        name="confidente-model-check",
        daemon=True,
    )
    try:
        process.start()
    except OSError as error:
        raise ModelError("The model check could not start.", detail=str(error)) from error
    child_end.close()
    stage: dict[str, object] = {"stage": "starting"}
    deadline = time.monotonic() + TRIAL_SECONDS
    try:
        while True:
            if cancel is not None and cancel.cancelled:
                raise ConfidenteError("Cancelled.")
            left = deadline - time.monotonic()
            if left <= 0:
                return _timed_out(stage)
            try:
                if not conn.poll(min(_SLICE_SECONDS, left)):
                    continue
                message = json.loads(conn.recv_bytes(_MAX_REPLY_BYTES))
            except (EOFError, OSError, ValueError):
                return _died(stage, process)
            if not isinstance(message, dict):
                return _died(stage, process)
            if message.get("stage") == "template":
                deadline = min(deadline, time.monotonic() + TEMPLATE_SECONDS)
            if "status" in message:
                return message
            stage = message
    finally:
        conn.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def _timed_out(stage: dict[str, object]) -> dict[str, object]:
    if stage.get("stage") == "template":
        return {
            "status": "ok",
            "vocabulary": stage.get("vocabulary", 0),
            "template_ok": False,
            "template_note": "its chat template did not finish rendering; the plain format is used",
        }
    return {"status": "refused", "reason": f"the trial load took longer than {TRIAL_SECONDS:g} s"}


def _died(
    stage: dict[str, object], process: multiprocessing.process.BaseProcess
) -> dict[str, object]:
    process.join(5)
    if stage.get("stage") == "template":
        return {
            "status": "ok",
            "vocabulary": stage.get("vocabulary", 0),
            "template_ok": False,
            "template_note": "its chat template crashed the check; the plain format is used",
        }
    return {
        "status": "refused",
        "reason": "llama.cpp could not read it in a trial load (the check process "
        f"{'ran out of memory or crashed' if process.exitcode else 'stopped'})",
        "detail": f"exit code {process.exitcode}, at stage {stage.get('stage')}",
    }


def _trial(path: str, conn: Connection) -> None:
    """The child: header, vocabulary, template. Each stage is reported before it starts."""
    privacy.enter_child(without_network=True)  # first: a hostile model or template reaches nothing

    def say(message: dict[str, object]) -> None:
        conn.send_bytes(json.dumps(message).encode("utf-8")[:_MAX_REPLY_BYTES])

    _limit_memory(TRIAL_MEMORY_BYTES)
    try:
        say({"stage": "header"})
        info = read_gguf_info(Path(path))
        say({"stage": "vocabulary"})
        import llama_cpp

        from app.core.models.engine import route_llama_logs, skip_library_templates

        route_llama_logs(llama_cpp)
        skip_library_templates(llama_cpp)  # the template is tried below, by our renderer
        llm = llama_cpp.Llama(model_path=path, vocab_only=True, verbose=False)
        vocabulary = int(llm.n_vocab())
        bos, eos = _token_text(llm, llm.token_bos()), _token_text(llm, llm.token_eos())
        template = info.chat_template
        if template is None:
            say(
                {
                    "status": "ok",
                    "vocabulary": vocabulary,
                    "template_ok": False,
                    "template_note": "it has no chat template; the plain format is used",
                }
            )
            return
        say({"stage": "template", "vocabulary": vocabulary})
        from app.core.chat.prompt import ChatMessage, TemplateFormat

        try:
            TemplateFormat(template, bos_token=bos, eos_token=eos).render(
                [
                    ChatMessage("system", "s"),
                    ChatMessage("user", "u"),
                    ChatMessage("assistant", "a"),
                    ChatMessage("user", "u"),
                ]
            )
        except Exception as error:  # any failure of untrusted template code
            say(
                {
                    "status": "ok",
                    "vocabulary": vocabulary,
                    "template_ok": False,
                    "template_note": f"its chat template fails ({type(error).__name__}); "
                    "the plain format is used",
                }
            )
            return
        say({"status": "ok", "vocabulary": vocabulary, "template_ok": True, "template_note": ""})
    except ModelError as error:
        say({"status": "refused", "reason": str(error).rstrip(".")})
    except MemoryError:
        say({"status": "refused", "reason": "reading it needs more memory than any model should"})
    except Exception as error:  # llama.cpp's ValueError and the like
        say(
            {
                "status": "refused",
                "reason": "llama.cpp could not read its vocabulary",
                "detail": f"{type(error).__name__}: {error}"[:2000],
            }
        )
    finally:
        conn.close()


def _token_text(llm: object, token: int) -> str:
    if token < 0:
        return ""
    with contextlib.suppress(Exception):
        detokenize = llm.detokenize  # type: ignore[attr-defined]
        return bytes(detokenize([token], special=True)).decode("utf-8", "replace")
    return ""


def _limit_memory(limit: int) -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class _VettedCache:
    """A small JSON file of files already checked; rewritten atomically, shared by threads."""

    _lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self._path = path

    def get(self, key: str) -> Vetted | None:
        entry = self._read().get(key)
        if not isinstance(entry, dict):
            return None
        try:
            return Vetted(**entry)
        except TypeError:
            return None

    def put(self, key: str, vetted: Vetted) -> None:
        with self._lock:
            entries = self._read()
            entries[key] = asdict(vetted)
            self._path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._path.with_suffix(".tmp")
            tmp.write_text(json.dumps(entries, indent=1), encoding="utf-8")
            os.replace(tmp, self._path)

    def _read(self) -> dict[str, object]:
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return raw if isinstance(raw, dict) else {}
