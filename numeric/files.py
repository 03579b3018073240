"""Atomic file writes: a temporary file in the target folder, then a rename (NumPy-free)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: str | os.PathLike, data: str | bytes, *, force: bool = True) -> Path:
    """Write *data* to *path* so that readers see the old file or the new one, never half.

    Parameters
    ----------
    path : path-like
        The destination. Its folder must exist.
    data : str or bytes
        The whole content (text is written as UTF-8).
    force : bool
        When False, refuse to replace an existing file.

    Raises
    ------
    FileExistsError
        If *path* exists and *force* is False.
    FileNotFoundError
        If the destination folder does not exist.
    """
    path = Path(path)
    if not force and path.exists():
        raise FileExistsError(f"{path} exists; use --force to replace it")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"folder {path.parent} does not exist")
    payload = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
