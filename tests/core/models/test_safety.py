"""Every model file is checked before its first load; hostile ones cannot hurt the app.

The hostile files are real: the starter model with its metadata changed by
`tests.gguf_forge`, so everything but the attack stays valid for llama.cpp.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import psutil
import pytest

from app.core.chat.prompt import PlainFormat, prompt_format_for
from app.core.errors import ModelError
from app.core.models import vetting
from app.core.models.engine import Engine, EngineConfig
from app.core.models.vetting import vet_model
from app.core.services import Services
from tests.gguf_forge import with_metadata

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
RUNS_CODE = (
    "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    "{% for m in messages %}{{ m.content }}{% endfor %}"
)
NEVER_ENDS = (
    "{% for a in range(100000) %}{% for b in range(100000) %}{{ '' }}{% endfor %}{% endfor %}"
)
EATS_MEMORY = "{{ 'x' * 10 ** 10 }}"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "vetted.json"


def _forge(starter: Path, tmp_path: Path, name: str, **changes: str | int) -> Path:
    return with_metadata(starter, tmp_path / f"{name}.gguf", changes)


def test_the_starter_passes_and_the_result_is_remembered(
    starter_model: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vetted = vet_model(starter_model, cache)
    assert vetted.vocabulary == 262_144  # Gemma 3's vocabulary, read by llama.cpp in the child
    assert not vetted.template_ok
    assert "no chat template" in vetted.template_note

    def no_second_trial(*args: object) -> dict[str, object]:
        raise AssertionError("the trial ran again for an unchanged file")

    monkeypatch.setattr(vetting, "_run_trial", no_second_trial)
    assert vet_model(starter_model, cache) == vetted


def test_a_changed_file_is_checked_again(starter_model: Path, tmp_path: Path, cache: Path) -> None:
    copy = _forge(starter_model, tmp_path, "copy", **{"general.name": "first"})
    vet_model(copy, cache)
    with_metadata(starter_model, copy, {"general.architecture": "no-such-architecture"})
    with pytest.raises(ModelError, match="refused"):
        vet_model(copy, cache)


def test_a_good_template_is_kept_and_used(starter_model: Path, tmp_path: Path, cache: Path) -> None:
    path = _forge(starter_model, tmp_path, "chatml", **{"tokenizer.chat_template": CHATML})
    vetted = vet_model(path, cache)
    assert vetted.template_ok
    engine = Engine(EngineConfig(path, context_length=512, use_chat_template=vetted.template_ok))
    try:
        assert engine.info.prompt_format == "model chat template"
    finally:
        engine.close()


@pytest.mark.parametrize(
    ("template", "why"),
    [(RUNS_CODE, "fails"), (NEVER_ENDS, "fails"), (EATS_MEMORY, "fails")],
    ids=["runs-code", "never-ends", "eats-memory"],
)
def test_hostile_templates_are_not_used(
    starter_model: Path, tmp_path: Path, cache: Path, template: str, why: str
) -> None:
    path = _forge(starter_model, tmp_path, "hostile", **{"tokenizer.chat_template": template})
    vetted = vet_model(path, cache)
    assert not vetted.template_ok
    assert why in vetted.template_note
    assert "plain format" in vetted.template_note
    engine = Engine(EngineConfig(path, context_length=512, use_chat_template=vetted.template_ok))
    try:
        assert engine.info.prompt_format == "plain transcript"
    finally:
        engine.close()


def test_a_template_that_never_ends_is_stopped_in_process_too() -> None:
    started = time.monotonic()
    assert isinstance(prompt_format_for(NEVER_ENDS, bos_token="", eos_token=""), PlainFormat)
    assert time.monotonic() - started < 30  # the render deadline (2 s), not 10**10 loops


def test_a_file_llama_cpp_cannot_read_is_refused_with_a_reason(
    starter_model: Path, tmp_path: Path, cache: Path
) -> None:
    path = _forge(starter_model, tmp_path, "alien", **{"general.architecture": "alien"})
    with pytest.raises(ModelError, match=r"refused: llama\.cpp could not read its vocabulary"):
        vet_model(path, cache)
    assert not cache.exists()  # a refusal is not remembered as a pass


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"general.alignment": 3}, "bad alignment"),
        ({"gemma3.block_count": 4_000_000_000}, "implausible layer count 4,000,000,000"),
        ({"gemma3.block_count": 0}, "implausible layer count 0"),
    ],
    ids=["bad-alignment", "absurd-layer-count", "no-layers"],
)
def test_malformed_metadata_is_refused(
    starter_model: Path, tmp_path: Path, cache: Path, changes: dict[str, int], reason: str
) -> None:
    path = with_metadata(starter_model, tmp_path / "bad.gguf", changes)
    with pytest.raises(ModelError, match=reason):
        vet_model(path, cache)
    # Loading it directly is refused the same way, before llama.cpp (which crashes on it).
    with pytest.raises(ModelError, match=reason):
        Engine(EngineConfig(path, context_length=512))


def test_a_check_process_that_dies_refuses_the_file_and_the_app_goes_on(
    starter_model: Path, tmp_path: Path, cache: Path
) -> None:
    outcome: list[BaseException | object] = []

    def check() -> None:
        try:
            outcome.append(vet_model(starter_model, cache, fresh=True))
        except BaseException as error:
            outcome.append(error)

    me = psutil.Process()
    others = {child.pid for child in me.children()}  # e.g. multiprocessing's resource tracker
    thread = threading.Thread(target=check)
    thread.start()
    deadline = time.monotonic() + 60
    killed = False
    while not killed and time.monotonic() < deadline and thread.is_alive():
        for child in me.children():
            try:
                if child.pid not in others and "spawn_main" in " ".join(child.cmdline()):
                    child.kill()  # the check process, as if llama.cpp had crashed on the file
                    killed = True
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.01)
    thread.join(60)
    assert killed
    (error,) = outcome
    assert isinstance(error, ModelError)
    assert "trial load" in str(error)


def test_loading_a_refused_file_fails_cleanly(starter_model: Path, tmp_path: Path) -> None:
    path = _forge(starter_model, tmp_path, "alien", **{"general.architecture": "alien"})
    services = Services(model_path=str(path))
    try:
        with pytest.raises(ModelError, match="refused"):
            services.models.load(services.settings).result()
        # The app goes on: the starter still loads in the same process.
        services.settings = services.settings.updated(model_path=None)
        assert services.models.load(services.settings).result().architecture == "gemma3"
    finally:
        services.close()


def test_only_the_checksum_verified_starter_skips_the_trial(
    starter_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trials: list[Path] = []
    real_trial = vetting._run_trial

    def counted(path: Path, cancel: object) -> dict[str, object]:
        trials.append(path)
        return real_trial(path, None)

    monkeypatch.setattr(vetting, "_run_trial", counted)
    services = Services()
    try:
        services.models.vet(starter_model)  # SHA-256 verified against the published hash
        assert trials == []
        copy = tmp_path / starter_model.name
        shutil.copyfile(starter_model, copy)  # same bytes, but nothing vouches for this copy
        services.models.vet(copy)
        assert trials == [copy]
    finally:
        services.close()
