"""Engine benchmarks: `make bench` (figures are printed, nothing is asserted).

1. Decode speed: tokens/s through Confidente's Engine next to plain
   llama-cpp-python on the same model, prompt and sampling, in the same run
   and interleaved, so machine noise hits both alike.
2. Time to first token with a long shared prefix: a cold turn (empty KV
   cache) next to a warm follow-up (the prefix is reused).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.chat.prompt import ChatMessage
from app.core.models.engine import Engine, EngineConfig, Sampling
from app.core.models.hardware import physical_cores
from app.core.models.starter import ensure_starter_model

DECODE_TOKENS = 128
ROUNDS = 5
PROMPT = "User: Write a long, detailed story about a lighthouse keeper.\nAssistant:"
SAMPLING = Sampling(temperature=0.7, top_p=0.95, repeat_penalty=1.1, max_tokens=DECODE_TOKENS)


def _plain_llama_decode(llm: object, tokens: list[int]) -> float:
    """Tokens/s of llama-cpp-python's own generate loop (the baseline)."""
    import llama_cpp

    llm.reset()  # type: ignore[attr-defined]
    vocab = llama_cpp.llama_model_get_vocab(llm.model)  # type: ignore[attr-defined]
    count, first = 0, 0.0
    for token in llm.generate(  # type: ignore[attr-defined]
        tokens, top_k=40, top_p=0.95, min_p=0.05, temp=0.7, repeat_penalty=1.1
    ):
        if count == 0:
            first = time.perf_counter()
        if llama_cpp.llama_vocab_is_eog(vocab, token):
            break
        llm.detokenize([token])  # type: ignore[attr-defined]
        count += 1
        if count >= DECODE_TOKENS:
            break
    return (count - 1) / (time.perf_counter() - first)


def _app_decode(engine: Engine, tokens: list[int]) -> float:
    engine._llm.reset()  # a cold cache for both sides
    generation = engine.generate(tokens, SAMPLING, CancelToken())
    for _ in generation:
        pass
    assert generation.stats is not None
    return generation.stats.tokens_per_second


def bench_decode(model: Path, threads: int) -> None:
    import llama_cpp

    engine = Engine(EngineConfig(model, context_length=2048, threads=threads))
    plain = llama_cpp.Llama(
        str(model), n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False
    )
    tokens = engine.tokenize(PROMPT)
    app_rates, plain_rates = [], []
    for _ in range(ROUNDS):
        plain_rates.append(_plain_llama_decode(plain, tokens))
        app_rates.append(_app_decode(engine, tokens))
    app_rate, plain_rate = statistics.median(app_rates), statistics.median(plain_rates)
    print(f"decode, {DECODE_TOKENS} tokens, median of {ROUNDS} interleaved rounds:")
    print(f"  plain llama-cpp-python : {plain_rate:7.1f} tokens/s")
    print(f"  Confidente engine      : {app_rate:7.1f} tokens/s")
    print(f"  ratio engine/baseline  : {app_rate / plain_rate:7.3f}")
    engine.close()
    plain.close()


def bench_prefix_reuse(model: Path, threads: int) -> None:
    engine = Engine(EngineConfig(model, context_length=4096, threads=threads))
    fmt = engine.prompt_format
    history = [ChatMessage("system", "You are a careful assistant.")]
    for n in range(12):
        history.append(ChatMessage("user", f"Question {n}: summarise the clinical note. " * 6))
        history.append(ChatMessage("assistant", f"Summary {n}: the patient is stable. " * 6))
    history.append(ChatMessage("user", "What changed since yesterday?"))
    sampling = Sampling(max_tokens=16)
    cold_times, warm_times, prompt_len, warm_evaluated = [], [], 0, 0
    for _ in range(ROUNDS):
        engine._llm.reset()
        first = engine.prompt_tokens(history)
        run = engine.generate(first, sampling, CancelToken(), fmt.stop)
        answer = "".join(run)
        assert run.stats is not None
        cold_times.append(run.stats.time_to_first_token)
        follow = [*history, ChatMessage("assistant", answer), ChatMessage("user", "And today?")]
        second = engine.prompt_tokens(follow)
        run = engine.generate(second, sampling, CancelToken(), fmt.stop)
        for _ in run:
            pass
        assert run.stats is not None
        warm_times.append(run.stats.time_to_first_token)
        prompt_len, warm_evaluated = len(second), run.stats.prompt_tokens_evaluated
    cold, warm = statistics.median(cold_times), statistics.median(warm_times)
    print(f"time to first token, {prompt_len}-token conversation, median of {ROUNDS}:")
    print(f"  cold (whole prompt evaluated)   : {cold * 1000:7.1f} ms")
    print(f"  warm follow-up (prefix reused)  : {warm * 1000:7.1f} ms")
    print(f"  prompt tokens evaluated when warm: {warm_evaluated} of {prompt_len}")
    print(f"  speed-up cold/warm              : {cold / warm:7.1f}x")
    engine.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        model = ensure_starter_model(Path(folder))
        threads = physical_cores()
        print(f"model: {model.name}, threads: {threads}")
        bench_decode(model, threads)
        bench_prefix_reuse(model, threads)


if __name__ == "__main__":
    main()
