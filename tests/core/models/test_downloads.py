"""Model downloads against a local stand-in for the Hugging Face Hub.

The Hub cannot be reached from here (no internet), so `tests.hub_standin`
serves files over HTTP on 127.0.0.1 the way the Hub does, and `HF_ENDPOINT`
points the app at it. Everything else is real: huggingface-hub, the files on
disk, the checksum and the quarantine.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.core.errors import ModelError
from app.core.models import token as hf_token
from app.core.models.download import (
    DownloadControl,
    Downloader,
    DownloadProgress,
    DownloadRequest,
    DownloadStopped,
)
from app.core.services import Services
from app.core.worker import Failed, Finished, Update
from tests.hub_standin import HubStandIn
from tests.keyring_standin import StandInKeyring

REPO, FILE = "someone/tiny-model-GGUF", "tiny-model-q4_k_m.gguf"
DATA = os.urandom(3 * 1024 * 1024 + 123)
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubStandIn]:
    with HubStandIn() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        yield server


def _request(**changes: object) -> DownloadRequest:
    values: dict[str, object] = {"id": "tiny", "repo": REPO, "file": FILE, "sha256": SHA}
    values.update(changes)
    return DownloadRequest(**values)  # type: ignore[arg-type]


def _gets(hub: HubStandIn) -> list[str | None]:
    return [r.range for r in hub.requests if r.method == "GET"]


def test_download_reports_progress_and_verifies(hub: HubStandIn, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, DATA, bytes_per_second=12e6)
    seen: list[DownloadProgress] = []
    path = Downloader(tmp_path).fetch(_request(), DownloadControl(), seen.append).path

    assert path == tmp_path / FILE
    assert path.read_bytes() == DATA
    stages = [p.stage for p in seen]
    assert stages[0] == "connecting"
    assert stages[-1] == "verifying"
    downloading = [p for p in seen if p.stage == "downloading"]
    assert [p.done for p in downloading] == sorted(p.done for p in downloading)
    assert downloading[-1].done == downloading[-1].total == len(DATA)
    assert any(p.bytes_per_second > 0 and p.seconds_left is not None for p in downloading)
    assert seen[-1].done == len(DATA)  # the whole file was hashed
    assert not list((tmp_path / "downloads").iterdir())  # no partial left behind


def test_paused_download_resumes_after_a_restart(hub: HubStandIn, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, DATA, bytes_per_second=4e6)
    control = DownloadControl()

    def pause_after_a_megabyte(progress: DownloadProgress) -> None:
        if progress.done >= 1024 * 1024:
            control.pause()

    with pytest.raises(DownloadStopped) as stopped:
        Downloader(tmp_path).fetch(_request(), control, pause_after_a_megabyte)
    assert stopped.value.paused
    partial = tmp_path / "downloads" / f"{FILE}.partial"
    kept = partial.stat().st_size
    assert 1024 * 1024 <= kept < len(DATA)
    (pending,) = Downloader(tmp_path).pending()  # what a restarted app sees
    assert pending.request == _request()
    assert pending.done == kept

    seen: list[DownloadProgress] = []
    path = Downloader(tmp_path).fetch(_request(), DownloadControl(), seen.append).path
    assert path.read_bytes() == DATA
    assert _gets(hub) == [None, f"bytes={kept}-"]  # only the missing bytes were asked for
    assert next(p for p in seen if p.stage == "downloading").resumed_from == kept


def test_cancel_removes_the_partial_file(hub: HubStandIn, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, DATA, bytes_per_second=4e6)
    control = DownloadControl()

    def cancel_soon(progress: DownloadProgress) -> None:
        if progress.done >= 512 * 1024:
            control.cancel()

    with pytest.raises(DownloadStopped) as stopped:
        Downloader(tmp_path).fetch(_request(), control, cancel_soon)
    assert not stopped.value.paused
    assert not list((tmp_path / "downloads").iterdir())
    assert not (tmp_path / FILE).exists()
    assert Downloader(tmp_path).pending() == []


def test_corrupted_file_is_quarantined_and_reported(hub: HubStandIn, tmp_path: Path) -> None:
    corrupted = bytearray(DATA)
    corrupted[2_000_000] ^= 0xFF
    hub.add_file(REPO, FILE, bytes(corrupted), sha256=SHA)  # the Hub's checksum is the real one

    with pytest.raises(ModelError, match="failed its integrity check") as failed:
        Downloader(tmp_path).fetch(_request(), DownloadControl(), lambda p: None)
    assert "quarantine" in str(failed.value)
    assert not (tmp_path / FILE).exists()
    (kept,) = (tmp_path / "quarantine").glob(f"{FILE}.*[0-9]")
    assert kept.read_bytes() == bytes(corrupted)
    note = json.loads(kept.with_name(kept.name + ".json").read_text())
    assert note["sha256"] == SHA
    assert "SHA-256" in note["problem"]
    assert Downloader(tmp_path).pending() == []


def test_hub_checksum_is_used_when_the_catalog_has_none(hub: HubStandIn, tmp_path: Path) -> None:
    hub.add_file(REPO, FILE, DATA)
    request = DownloadRequest.from_hub_path(f"{REPO}/{FILE}")
    assert request.sha256 is None
    assert Downloader(tmp_path).fetch(request, DownloadControl(), lambda p: None).sha256 == SHA

    hub.add_file(REPO, "liar.gguf", DATA, sha256="0" * 64)
    liar = DownloadRequest.from_hub_path(f"{REPO}/liar.gguf")
    with pytest.raises(ModelError, match="integrity"):
        Downloader(tmp_path).fetch(liar, DownloadControl(), lambda p: None)


def test_size_differing_from_the_catalog_is_refused_before_downloading(
    hub: HubStandIn, tmp_path: Path
) -> None:
    hub.add_file(REPO, FILE, DATA)
    with pytest.raises(ModelError, match="not the 1,000 the catalog lists"):
        Downloader(tmp_path).fetch(_request(size_bytes=1000), DownloadControl(), lambda p: None)
    assert _gets(hub) == []


def test_hub_errors_have_clear_messages(hub: HubStandIn, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="was not found"):
        Downloader(tmp_path).fetch(_request(), DownloadControl(), lambda p: None)
    hub.add_file(REPO, FILE, DATA, gated_token="hf_secret_value_123")
    with pytest.raises(ModelError, match="gated: accept its licence"):
        Downloader(tmp_path).fetch(_request(), DownloadControl(), lambda p: None)


def test_unreachable_hub_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on discard
    with pytest.raises(ModelError, match="Could not reach the Hub"):
        Downloader(tmp_path).fetch(_request(), DownloadControl(), lambda p: None)


def test_hub_library_stays_offline_outside_a_download(hub: HubStandIn, tmp_path: Path) -> None:
    from huggingface_hub import constants

    hub.add_file(REPO, FILE, DATA)
    before = constants.HF_HUB_OFFLINE
    Downloader(tmp_path).fetch(_request(), DownloadControl(), lambda p: None)
    assert before == constants.HF_HUB_OFFLINE


@pytest.fixture
def keychain(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandInKeyring]:
    """An in-memory keychain: this machine has no OS keychain (Secret Service)."""
    previous = keyring.get_keyring()
    backend = StandInKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_gated_download_uses_the_keychain_token_and_never_writes_it(
    hub: HubStandIn, keychain: StandInKeyring, confidente_home: Path
) -> None:
    secret = "hf_ThisIsATestToken0123456789"
    hub.add_file(REPO, FILE, DATA, gated_token=secret)
    hf_token.set_token(secret)
    services = Services()
    try:
        handle = services.models.download(f"{REPO}/{FILE}")
        events = list(handle.job.events())
    finally:
        services.close()
    assert isinstance(events[-1], Finished), events[-1]
    assert any(isinstance(e, Update) and isinstance(e.value, DownloadProgress) for e in events)
    assert {r.authorization for r in hub.requests} == {f"Bearer {secret}"}
    for path in confidente_home.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    model = events[-1].result
    assert model.source == "download"
    assert model.path.read_bytes() == DATA


def test_token_refused_by_the_hub_is_not_echoed(
    hub: HubStandIn, keychain: StandInKeyring, tmp_path: Path
) -> None:
    hub.add_file(REPO, FILE, DATA, gated_token="the-right-one")
    with pytest.raises(ModelError) as failed:
        Downloader(tmp_path).fetch(
            _request(), DownloadControl(), lambda p: None, token="hf_wrong_token_999"
        )
    assert "hf_wrong_token_999" not in str(failed.value) + str(failed.value.detail)


def test_missing_keychain_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        with pytest.raises(hf_token.KeychainError, match="No OS keychain is available"):
            hf_token.set_token("hf_abc")
        assert hf_token.get_token() is None  # public downloads still work
        assert hf_token.keychain_name() == "none"
    finally:
        keyring.set_keyring(previous)


def test_service_download_registers_the_model_and_shutdown_pauses(
    hub: HubStandIn, confidente_home: Path
) -> None:
    hub.add_file(REPO, FILE, DATA, bytes_per_second=2e6)
    services = Services()
    handle = services.models.download(f"{REPO}/{FILE}")
    for event in handle.job.events():
        if isinstance(event, Update) and event.value.done > 256 * 1024:
            break
    services.close()  # the app closes mid-download
    (pending,) = services.models.pending_downloads()
    assert 0 < pending.done < len(DATA)

    services = Services()
    try:
        job = services.models.download(f"{REPO}/{FILE}").job
        model = job.result()
        assert model.path.read_bytes() == DATA
        assert services.models.inventory.find(model.id).source == "download"
        assert services.models.pending_downloads() == []
    finally:
        services.close()


def test_failed_download_event_is_expected_not_a_crash(hub: HubStandIn) -> None:
    services = Services()
    try:
        events = list(services.models.download(f"{REPO}/missing.gguf").job.events())
    finally:
        services.close()
    assert isinstance(events[-1], Failed)
    assert events[-1].expected


def test_download_runs_with_network_allowed_on_its_own_thread_only(
    hub: HubStandIn, tmp_path: Path
) -> None:
    from app.core import privacy

    hub.add_file(REPO, FILE, DATA)
    allowed: list[bool] = []

    def report(progress: DownloadProgress) -> None:
        if progress.stage == "downloading":
            allowed.append(privacy.network_allowed_here())

    Downloader(tmp_path).fetch(_request(), DownloadControl(), report)
    assert allowed
    assert all(allowed)
    assert not privacy.network_allowed_here()  # lifted again afterwards


def test_not_enough_disk_space_is_said_before_downloading(
    hub: HubStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from collections import namedtuple

    hub.add_file(REPO, FILE, DATA)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9, 1000))
    with pytest.raises(ModelError, match="Not enough disk space"):
        Downloader(tmp_path).fetch(_request(), DownloadControl(), lambda p: None)
    assert _gets(hub) == []


def _git_object_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def test_a_small_git_file_is_checked_against_its_git_object_id(
    hub: HubStandIn, tmp_path: Path
) -> None:
    """A file kept in git rather than LFS (a model's config.json) has no SHA-256 on the Hub,
    only its git object id: with no catalog SHA-256, that is what it is checked against."""
    config = b'{"hidden_size": 384}\n'
    hub.add_file("someone/embedder", "config.json", config, sha256=_git_object_id(config))
    request = DownloadRequest(id="e", repo="someone/embedder", file="config.json")
    done = Downloader(tmp_path).fetch(request, DownloadControl(), lambda p: None)
    assert done.path.read_bytes() == config
    assert done.sha256 == hashlib.sha256(config).hexdigest()  # recorded as SHA-256 all the same

    hub.add_file("someone/embedder", "liar.json", config, sha256=_git_object_id(b"other"))
    liar = DownloadRequest(id="e", repo="someone/embedder", file="liar.json")
    with pytest.raises(ModelError, match="git object id"):
        Downloader(tmp_path).fetch(liar, DownloadControl(), lambda p: None)
    assert list((tmp_path / "quarantine").glob("liar.json.*[0-9]"))


def test_a_destination_keeps_same_named_files_apart(hub: HubStandIn, tmp_path: Path) -> None:
    """A folder's files (config.json, 1_Pooling/config.json) land where they belong."""
    hub.add_file("someone/embedder", "config.json", b"top")
    hub.add_file("someone/embedder", "1_Pooling/config.json", b"pooling")
    for file in ("config.json", "1_Pooling/config.json"):
        request = DownloadRequest(
            id="e", repo="someone/embedder", file=file, dest=f"staging/e/{file}"
        )
        Downloader(tmp_path).fetch(request, DownloadControl(), lambda p: None)
    assert (tmp_path / "staging/e/config.json").read_bytes() == b"top"
    assert (tmp_path / "staging/e/1_Pooling/config.json").read_bytes() == b"pooling"
    assert Downloader(tmp_path).pending() == []


class _PlaintextKeyring(StandInKeyring):
    """Named like keyrings.alt's backend that keeps passwords in a plain file."""

    priority = 0.5


_PlaintextKeyring.__name__ = "PlaintextKeyring"


class _LowKeyring(StandInKeyring):
    priority = 0.2


@pytest.mark.parametrize(
    ("backend_class", "reason"),
    [(_PlaintextKeyring, "plain file"), (_LowKeyring, "too low")],
)
def test_plaintext_or_low_priority_keyrings_are_refused(
    backend_class: type[StandInKeyring], reason: str
) -> None:
    from keyring.backends import null

    previous = keyring.get_keyring()
    backend = backend_class()
    backend.set_password(hf_token.SERVICE, hf_token.ACCOUNT, "hf_planted_earlier")
    try:
        keyring.set_keyring(backend)
        with pytest.raises(hf_token.KeychainError, match=reason) as refused:
            hf_token.set_token("hf_abc")
        assert "would not keep a Hugging Face token safely" in str(refused.value)
        assert backend.get_password(hf_token.SERVICE, hf_token.ACCOUNT) == "hf_planted_earlier"
        assert hf_token.get_token() is None  # not read from there either
        assert "not used" in hf_token.keychain_name()
        keyring.set_keyring(null.Keyring())  # type: ignore[no-untyped-call]
        with pytest.raises(hf_token.KeychainError, match="No OS keychain is available"):
            hf_token.set_token("hf_abc")
    finally:
        keyring.set_keyring(previous)


def test_a_real_keychain_is_accepted(keychain: StandInKeyring) -> None:
    hf_token.set_token("hf_abc")
    assert hf_token.get_token() == "hf_abc"
    assert hf_token.keychain_name() == "StandInKeyring"


def test_the_token_does_not_follow_a_redirect_to_another_host(
    hub: HubStandIn, keychain: StandInKeyring, tmp_path: Path
) -> None:
    secret = "hf_ThisIsATestToken0123456789"
    hub.add_file(REPO, FILE, DATA, gated_token=secret)
    with HubStandIn() as cdn:
        cdn.add_file(REPO, FILE, DATA)
        hub.redirect_to(cdn)
        path = (
            Downloader(tmp_path)
            .fetch(_request(), DownloadControl(), lambda p: None, token=secret)
            .path
        )
        assert path.read_bytes() == DATA
        assert [r.method for r in cdn.requests] == ["GET"]
        assert {r.authorization for r in cdn.requests} == {None}
    assert {r.authorization for r in hub.requests} == {f"Bearer {secret}"}
