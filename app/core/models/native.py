"""Native libraries loaded without holding Python's GIL.

`ctypes.CDLL`, and the import of a C extension, call the dynamic loader with
the GIL held. Mapping and relocating a large library (llama.cpp's, numpy's with
its BLAS) then stops every other Python thread, the GUI's among them, for as
long: tens of ms on a busy machine or a cold disk cache. The loader keeps one
copy of a library per process, so loading it first through a foreign-function
call, which ctypes makes with the GIL released, leaves the later `CDLL` or
import a quick lookup. POSIX only; elsewhere the import loads them as before.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

_LIBRARY_SUFFIXES = (".so", ".dylib")


def preload(paths: Iterable[Path]) -> list[Path]:
    """Load each library with the GIL released; return those that loaded."""
    dlopen = _dlopen()
    if dlopen is None:
        return []
    flags = sys.getdlopenflags()  # what imports and CDLL use here (RTLD_NOW, local)
    loaded = []
    for path in paths:
        if dlopen(os.fsencode(path), flags):
            loaded.append(path)
    return loaded


def package_folder(name: str) -> Path | None:
    """Where an installed top-level package lives, without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def llama_libraries() -> list[Path]:
    """llama.cpp's library, which pulls in ggml's, and numpy's core, which llama_cpp imports."""
    found: list[Path] = []
    numpy = package_folder("numpy")
    if numpy is not None:
        for core in ("_core", "core"):  # numpy 2, numpy 1
            found.extend(sorted((numpy / core).glob("_multiarray_umath*.so")))
    llama = package_folder("llama_cpp")
    if llama is not None:
        found.extend(
            llama / "lib" / f"libllama{suffix}"
            for suffix in _LIBRARY_SUFFIXES
            if (llama / "lib" / f"libllama{suffix}").is_file()
        )
    return found


def import_llama() -> ModuleType:
    """`import llama_cpp`, its native libraries loaded first without the GIL."""
    if "llama_cpp" not in sys.modules:
        preload(llama_libraries())
    import llama_cpp

    return llama_cpp


def _dlopen() -> Callable[[bytes, int], int | None] | None:
    if os.name != "posix":
        return None
    try:
        function = ctypes.CDLL(None).dlopen
    except (AttributeError, OSError):  # an older C library keeps dlopen in libdl
        return None
    function.restype = ctypes.c_void_p
    function.argtypes = [ctypes.c_char_p, ctypes.c_int]
    loader: Callable[[bytes, int], int | None] = function
    return loader
