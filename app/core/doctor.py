"""`confidente doctor`: what this installation has and whether it is private."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any

from app import __version__
from app.core import data_key, privacy
from app.core.errors import ConfidenteError
from app.core.models import hardware, token
from app.core.models.engine import gpu_offload_supported
from app.core.models.fit import Machine
from app.core.models.gguf import read_gguf_info
from app.core.models.service import choose_gpu_layers
from app.core.models.starter import starter_status
from app.core.paths import AppPaths
from app.core.settings import Settings


def diagnose(paths: AppPaths, settings: Settings, warnings: list[str]) -> dict[str, Any]:
    import llama_cpp

    gpu = gpu_offload_supported()
    system_info = llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()
    machine = hardware.detect_machine()
    layers = _gpu_layers(paths, settings, machine)
    return {
        "confidente": __version__,
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "platform": platform.platform(),
        "llama_cpp": {
            "version": getattr(llama_cpp, "__version__", "unknown"),
            "gpu_offload_available": gpu,
            "gpu_layers": layers,
            "runs_on": "GPU" if gpu and layers != 0 else "CPU",
            "system_info": system_info,
        },
        "gpus": [
            {
                "name": g.name,
                "total_gib": round(g.total_bytes / 2**30, 1),
                "free_gib": round(g.free_bytes / 2**30, 1),
                "source": g.source,
            }
            for g in machine.gpus
        ],
        "cpu": {
            "name": hardware.cpu_name(),
            "physical_cores": hardware.physical_cores(),
            "logical_cores": os.cpu_count(),
            "threads": hardware.resolve_threads(settings.threads),
        },
        "memory": {
            "total_gib": round(hardware.total_memory_bytes() / 2**30, 1),
            "available_gib": round(hardware.available_memory_bytes() / 2**30, 1),
        },
        "paths": {
            "data": str(paths.data),
            "config": str(paths.config),
            "models": str(paths.models),
            "from_CONFIDENTE_HOME": bool(os.environ.get("CONFIDENTE_HOME")),
        },
        "models": _models(paths, settings),
        "documents": _documents(paths, settings),
        "network": {
            "connections_refused_by_guard": privacy.network_guard_installed(),
            "telemetry_disabled": all(
                os.environ.get(k) == v for k, v in privacy.OFFLINE_ENVIRONMENT.items()
            ),
            "listening_sockets": privacy.listening_sockets_of_this_process(),
            "machine_has_default_route": privacy.machine_has_default_route(),
            **_children_network(),
        },
        "encryption": {
            "conversations_and_documents": "SQLCipher 4, AES-256",
            "key": data_key.describe(paths),
            "not_encrypted": "model files; the vectors (numbers, no text), owner-only",
        },
        "keychain": {
            "backend": token.keychain_name(),
            "hugging_face_token_stored": token.get_token() is not None,
        },
        "settings_warnings": warnings,
    }


def _children_network() -> dict[str, Any]:
    """What the children that read untrusted files can reach, measured in a real one."""
    check = privacy.children_network_check()
    return {
        "children_run_in_a_network_namespace": check["namespace"],
        "children_refuse_connections": check["guard"],
    }


def _gpu_layers(paths: AppPaths, settings: Settings, machine: Machine) -> int | str:
    """Layers the active model would put on the GPU now, or why that is unknown."""
    path = Path(settings.model_path).expanduser() if settings.model_path else None
    path = path or starter_status(paths.models).path
    try:
        return choose_gpu_layers(settings, path, machine)
    except ConfidenteError as exc:
        return f"unknown ({exc})"


def _models(paths: AppPaths, settings: Settings) -> list[dict[str, Any]]:
    starter = starter_status(paths.models, full_check=True)
    found: list[dict[str, Any]] = [
        {
            "name": "starter",
            "path": str(starter.path),
            "active": settings.model_path is None,
            "present": starter.present,
            "checksum": starter.detail,
            "ok": starter.verified,
        }
    ]
    if settings.model_path:
        entry: dict[str, Any] = {"name": "configured", "path": settings.model_path, "active": True}
        try:
            info = read_gguf_info(Path(settings.model_path).expanduser())
            entry.update(
                present=True, ok=True, checksum="GGUF header valid", architecture=info.architecture
            )
        except ConfidenteError as exc:
            entry.update(present=False, ok=False, checksum=str(exc))
        found.append(entry)
    return found


def _documents(paths: AppPaths, settings: Settings) -> dict[str, Any]:
    """The embedding model and the libraries, read without loading torch or Chroma."""
    from app.core.documents.document_index import Catalog
    from app.core.documents.embedder import embedder_location, embedder_name

    report: dict[str, Any] = {"index": str(paths.data / "documents")}
    try:
        location = embedder_location(settings.embedding_model)
        report["embedding_model"] = {
            "name": embedder_name(settings.embedding_model),
            "path": str(location),
            "ok": True,
        }
    except ConfidenteError as exc:
        report["embedding_model"] = {
            "name": settings.embedding_model,
            "ok": False,
            "error": str(exc),
        }
    catalog_file = paths.data / "documents" / "catalog.sqlite3"
    libraries: list[dict[str, Any]] = []
    if catalog_file.exists():
        try:
            catalog = Catalog(catalog_file, data_key.unlock(paths))
        except ConfidenteError as exc:
            report["error"] = str(exc)
        else:
            try:
                for library in catalog.libraries():
                    files = catalog.files(library.id)
                    libraries.append(
                        {
                            "name": library.name,
                            "files": len(files),
                            "indexed": sum(1 for f in files if f.status == "indexed"),
                            "passages": sum(f.chunks for f in files),
                            "embedding_model": library.embedding_model,
                        }
                    )
            finally:
                catalog.close()
    report["libraries"] = libraries
    return report
