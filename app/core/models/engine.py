"""The llama.cpp engine: one loaded GGUF model, generating token by token.

Not thread-safe, like llama.cpp itself: exactly one thread (the ModelWorker)
owns an Engine. `llama_cpp` is imported here lazily so that the window and
`--help` do not pay for it.

Multi-turn reuse: llama-cpp-python keeps the evaluated tokens and, on the
next prompt, evaluates only what follows the longest shared prefix. We read
llama.cpp's own counters to report how many prompt tokens were really
evaluated, so reuse is measured rather than assumed.
"""

from __future__ import annotations

import codecs
import ctypes
import logging
import re
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.core.cancel import CancelToken
from app.core.chat.prompt import ChatMessage, PromptFormat, prompt_format_for
from app.core.errors import ContextOverflowError, ModelError
from app.core.models.fit import Gpu
from app.core.models.gguf import GGUFInfo, read_gguf_info
from app.core.models.native import import_llama

FinishReason = Literal["stop", "length", "cancelled", "nothing_found"]
CONTEXT_STEP = 256


@dataclass(frozen=True)
class EngineConfig:
    model_path: Path
    context_length: int = 4096
    gpu_layers: int = 0  # -1: all
    threads: int = 1
    seed: int | None = None
    use_chat_template: bool = True  # False when the file's template failed its check


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 512


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    architecture: str
    size_bytes: int
    trained_context: int | None
    context_length: int
    gpu_layers: int
    gpu_offload_supported: bool
    prompt_format: str
    threads: int
    layers: int | None = None

    @property
    def device(self) -> str:
        """Where the layers run, for the status bar and `doctor`."""
        if not self.gpu_offload_supported:
            return "CPU"
        if self.gpu_layers == 0:
            return "CPU (GPU not used)"
        if self.gpu_layers < 0 or self.layers is None or self.gpu_layers > self.layers:
            return "GPU"
        return f"GPU, {self.gpu_layers} of {self.layers} layers"


@dataclass(frozen=True)
class GenerationStats:
    prompt_tokens: int
    prompt_tokens_evaluated: int  # llama.cpp's count; the rest came from the KV cache
    generated_tokens: int
    time_to_first_token: float
    decode_seconds: float
    finish_reason: FinishReason

    @property
    def reused_tokens(self) -> int:
        return max(0, self.prompt_tokens - self.prompt_tokens_evaluated)

    @property
    def tokens_per_second(self) -> float:
        if self.generated_tokens < 2 or self.decode_seconds <= 0:
            return 0.0
        return (self.generated_tokens - 1) / self.decode_seconds


class Generation:
    """Iterate for text pieces as they are produced; `stats` is set once it is exhausted."""

    def __init__(self, stream: Generator[str, None, GenerationStats]) -> None:
        self._stream = stream
        self.stats: GenerationStats | None = None

    def __iter__(self) -> Iterator[str]:
        self.stats = yield from self._stream


_log = logging.getLogger("confidente.llama_cpp")
_log_callback: Any = None


def route_llama_logs(lib: Any) -> None:
    """Send llama.cpp's own log lines to `logging` (debug) instead of stderr."""
    global _log_callback
    if _log_callback is not None:
        return

    @lib.llama_log_callback  # type: ignore[untyped-decorator]
    def forward(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        _log.debug("%s", text.decode("utf-8", "replace").rstrip())

    _log_callback = forward  # ctypes needs the callback kept alive
    lib.llama_log_set(forward, ctypes.c_void_p(0))


class _TemplatesNotCompiled:
    """Stands in for llama-cpp-python's `Jinja2ChatFormatter`, which we never use.

    llama-cpp-python compiles every chat template found in a model file while
    loading it, in our process and without limits; Jinja folds constant
    expressions at compile time, so a template like `{{ 'x' * 10**10 }}` is
    a memory bomb before a single chat. Confidente renders templates itself
    (`app.core.chat.prompt`, bounded sandbox, after the file's child-process check)
    and never calls `create_chat_completion`, so the library's copies are not
    compiled at all.
    """

    def __init__(self, **kwargs: Any) -> None:
        pass

    def to_chat_handler(self) -> Any:
        def refuse(**kwargs: Any) -> Any:
            raise RuntimeError("Confidente formats prompts itself (app.core.chat.prompt).")

        return refuse


def skip_library_templates(lib: Any) -> None:
    lib.llama_chat_format.Jinja2ChatFormatter = _TemplatesNotCompiled


def gpu_offload_supported() -> bool:
    llama_cpp = import_llama()

    return bool(llama_cpp.llama_supports_gpu_offload())


_DEVICE_GPU, _DEVICE_IGPU = 1, 2  # enum ggml_backend_dev_type (ggml-backend.h)


def gpu_devices(*, include_cpu: bool = False) -> tuple[Gpu, ...]:
    """GPUs llama.cpp's backends can use, with their free memory (CUDA, Vulkan, Metal...).

    llama-cpp-python does not bind ggml's device API, so it is called through
    ctypes on the loaded library, where ggml's symbols resolve. An older
    library without them gives no devices (nvidia-smi is tried then).
    """
    lib = import_llama().llama_cpp._lib
    try:
        count, get = lib.ggml_backend_dev_count, lib.ggml_backend_dev_get
        kind, describe, memory = (
            lib.ggml_backend_dev_type,
            lib.ggml_backend_dev_description,
            lib.ggml_backend_dev_memory,
        )
    except AttributeError:
        return ()
    count.restype, count.argtypes = ctypes.c_size_t, []
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    kind.restype, kind.argtypes = ctypes.c_int, [ctypes.c_void_p]
    describe.restype, describe.argtypes = ctypes.c_char_p, [ctypes.c_void_p]
    memory.restype = None
    size_pointer = ctypes.POINTER(ctypes.c_size_t)
    memory.argtypes = [ctypes.c_void_p, size_pointer, size_pointer]
    found: list[Gpu] = []
    for index in range(int(count())):
        device = get(index)
        if not device or (kind(device) not in (_DEVICE_GPU, _DEVICE_IGPU) and not include_cpu):
            continue
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        memory(device, ctypes.byref(free), ctypes.byref(total))
        name = (describe(device) or b"GPU").decode("utf-8", "replace")
        found.append(Gpu(name, int(total.value), int(free.value), "llama.cpp"))
    return tuple(found)


class Engine:
    """One llama.cpp model and context."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.gguf: GGUFInfo = read_gguf_info(config.model_path)
        llama_cpp = import_llama()
        self._lib: Any = llama_cpp
        route_llama_logs(llama_cpp)
        skip_library_templates(llama_cpp)
        trained = self.gguf.context_length
        n_ctx = min(config.context_length, trained) if trained else config.context_length
        # llama.cpp pads the context to a multiple of 256, but llama-cpp-python sizes
        # its token buffer from the number we pass: ask for a size that needs no padding.
        n_ctx = -(-n_ctx // CONTEXT_STEP) * CONTEXT_STEP
        try:
            self._llm: Any = llama_cpp.Llama(
                model_path=str(config.model_path),
                n_ctx=n_ctx,
                n_batch=min(512, n_ctx),
                n_threads=config.threads,
                n_threads_batch=config.threads,
                n_gpu_layers=config.gpu_layers,
                seed=config.seed if config.seed is not None else llama_cpp.LLAMA_DEFAULT_SEED,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(
                f"llama.cpp could not load {config.model_path.name}. The file may be damaged "
                "or use a format this version does not support.",
                detail=str(exc),
            ) from exc
        self._vocab = llama_cpp.llama_model_get_vocab(self._llm.model)
        self._control_text = self._control_text_pattern()
        self.prompt_format: PromptFormat = prompt_format_for(
            self.gguf.chat_template if config.use_chat_template else None,
            bos_token=self._piece_text(self._llm.token_bos()),
            eos_token=self._piece_text(self._llm.token_eos()),
        )
        self.info = ModelInfo(
            name=self.gguf.name,
            path=config.model_path,
            architecture=self.gguf.architecture,
            size_bytes=self.gguf.file_size,
            trained_context=trained,
            context_length=int(self._llm.n_ctx()),
            gpu_layers=config.gpu_layers,
            gpu_offload_supported=gpu_offload_supported(),
            prompt_format=self.prompt_format.name,
            threads=config.threads,
            layers=shape.layers if (shape := self.gguf.shape()) else None,
        )

    @property
    def context_length(self) -> int:
        return self.info.context_length

    def prompt_tokens(self, messages: Sequence[ChatMessage]) -> list[int]:
        """Render `messages` in the model's prompt format and tokenize them.

        Message text is data: control-token text inside it (say "<end_of_turn>"
        or "<eos>" typed by a user or found in a document) is broken with a
        zero-width space, so only the prompt format itself produces control tokens.
        """
        safe = [ChatMessage(m.role, self.neutralize(m.content)) for m in messages]
        return self.tokenize(self.prompt_format.render(safe))

    def neutralize(self, text: str) -> str:
        if self._control_text is None:
            return text
        return self._control_text.sub(lambda m: m[0][0] + "\u200b" + m[0][1:], text)

    def _control_text_pattern(self) -> re.Pattern[str] | None:
        lib = self._lib
        texts = {
            self._piece(token, special=True).decode("utf-8", "replace")
            for token in range(lib.llama_vocab_n_tokens(self._vocab))
            if lib.llama_vocab_get_attr(self._vocab, token) & lib.LLAMA_TOKEN_ATTR_CONTROL
        }
        texts = {t for t in texts if len(t) > 1}
        if not texts:
            return None
        return re.compile("|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True)))

    def tokenize(self, prompt: str) -> list[int]:
        tokens: list[int] = self._llm.tokenize(
            prompt.encode("utf-8"),
            add_bos=not self.prompt_format.template_adds_bos,
            special=True,
        )
        return tokens

    def generate(
        self,
        prompt_tokens: Sequence[int],
        sampling: Sampling,
        cancel: CancelToken,
        stop: Sequence[str] = (),
    ) -> Generation:
        room = self.context_length - len(prompt_tokens)
        if room < 1:
            raise ContextOverflowError(
                f"The prompt has {len(prompt_tokens)} tokens; this model's context holds "
                f"{self.context_length}."
            )
        return Generation(
            self._stream(
                list(prompt_tokens), sampling, cancel, tuple(stop), min(room, sampling.max_tokens)
            )
        )

    def _stream(
        self,
        tokens: list[int],
        sampling: Sampling,
        cancel: CancelToken,
        stop: tuple[str, ...],
        max_new: int,
    ) -> Generator[str, None, GenerationStats]:
        lib = self._lib
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        generated = 0
        evaluated = len(tokens)
        finish: FinishReason = "length"
        started = time.perf_counter()
        first_at = last_at = started
        lib.llama_perf_context_reset(self._llm.ctx)
        tokens_out = self._llm.generate(
            tokens,
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            temp=sampling.temperature,
            repeat_penalty=sampling.repeat_penalty,
        )
        try:
            for token in tokens_out:
                if generated == 0:
                    first_at = time.perf_counter()
                    perf = lib.llama_perf_context(self._llm.ctx)
                    evaluated = min(len(tokens), int(perf.n_p_eval) + int(perf.n_eval))
                last_at = time.perf_counter()
                if cancel.cancelled:
                    finish = "cancelled"
                    break
                if lib.llama_vocab_is_eog(self._vocab, token):
                    finish = "stop"
                    break
                generated += 1
                pending += decoder.decode(self._piece(token))
                cut = _first_stop(pending, stop)
                if cut is not None:
                    pending = pending[:cut]  # bytes still in the decoder lie past the cut
                    decoder.reset()
                    finish = "stop"
                    break
                keep = _stop_prefix_length(pending, stop)
                ready, pending = pending[: len(pending) - keep], pending[len(pending) - keep :]
                if ready:
                    yield ready
                if generated >= max_new:
                    finish = "length"
                    break
        finally:
            tokens_out.close()
        pending += decoder.decode(b"", final=True)
        if pending:
            yield pending
        return GenerationStats(
            prompt_tokens=len(tokens),
            prompt_tokens_evaluated=evaluated,
            generated_tokens=generated,
            time_to_first_token=first_at - started,
            decode_seconds=max(0.0, last_at - first_at),
            finish_reason=finish,
        )

    def close(self) -> None:
        self._llm.close()

    def _piece(self, token: int, *, special: bool = False) -> bytes:
        size = 64
        while True:
            buffer = ctypes.create_string_buffer(size)
            n = self._lib.llama_token_to_piece(self._vocab, token, buffer, size, 0, special)
            if n >= 0:
                return buffer.raw[:n]
            size = -n

    def _piece_text(self, token: int) -> str:
        """The text of a special token (BOS, EOS) for chat templates; "" if the model has none."""
        return self._piece(token, special=True).decode("utf-8", "replace") if token >= 0 else ""


def _first_stop(text: str, stop: tuple[str, ...]) -> int | None:
    hits = [i for i in (text.find(s) for s in stop) if i >= 0]
    return min(hits) if hits else None


def _stop_prefix_length(text: str, stop: tuple[str, ...]) -> int:
    """Length of the longest tail of `text` that could begin a stop string."""
    longest = 0
    for s in stop:
        for size in range(min(len(s) - 1, len(text)), longest, -1):
            if s.startswith(text[-size:]):
                longest = size
                break
    return longest
