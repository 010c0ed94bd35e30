"""Native libraries loaded ahead, with the GIL released: llama.cpp's and numpy's core are
mapped before `import llama_cpp`, which then finds them loaded (a fresh interpreter,
since this test process already has them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.models.native import preload

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/maps").exists(), reason="reads /proc/self/maps (Linux)"
)


def test_llama_and_numpy_are_loaded_before_their_import_and_the_import_uses_them() -> None:
    script = (
        "import json, sys\n"
        "from app.core.models.native import import_llama, llama_libraries, preload\n"
        "def mapped(): return open('/proc/self/maps').read()\n"
        "libraries = llama_libraries()\n"
        "before = 'libllama' in mapped()\n"
        "loaded = preload(libraries)\n"
        "after = {'llama': 'libllama' in mapped(), 'ggml': 'libggml' in mapped(),\n"
        "         'numpy_core': '_multiarray_umath' in mapped(),\n"
        "         'numpy_imported': 'numpy' in sys.modules}\n"
        "llama = import_llama()\n"
        "print(json.dumps({'libraries': [p.name for p in libraries], 'before': before,\n"
        "    'loaded': [p.name for p in loaded], 'after': after,\n"
        "    'works': bool(llama.llama_print_system_info())}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["before"] is False
    assert "libllama.so" in result["libraries"]
    assert any(name.startswith("_multiarray_umath") for name in result["libraries"])
    assert result["loaded"] == result["libraries"]
    assert result["after"] == {
        "llama": True,
        "ggml": True,  # pulled in by llama's own dependencies
        "numpy_core": True,
        "numpy_imported": False,  # loaded as a library only: its import runs later, as usual
    }
    assert result["works"]


def test_a_library_that_cannot_load_is_left_to_the_import(tmp_path: Path) -> None:
    not_a_library = tmp_path / "libbroken.so"
    not_a_library.write_bytes(b"\x7fELF but not really")
    assert preload([not_a_library, tmp_path / "missing.so"]) == []
