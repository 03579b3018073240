"""Every file gradproof writes is written whole or not at all (temporary file, then rename)."""

import os

import numpy as np
import pytest

from numeric.files import atomic_write
from numeric.mlp import MLP


class _DiskFull:
    """A file handle that writes half of what it is given, then fails."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, data):
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(28, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


@pytest.fixture
def disk_full(monkeypatch):
    fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _DiskFull(fdopen(*a, **k)))


def test_a_write_that_fails_halfway_leaves_the_old_file(tmp_path, disk_full):
    path = tmp_path / "gradients.py"
    path.write_text("old\n")
    with pytest.raises(OSError, match="No space left"):
        atomic_write(path, "new content " * 1000)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradients.py"]  # no partial file


def test_saved_weights_survive_an_interrupted_save(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    old = MLP([3, 4, 2], "tanh", "bce", seed=0)
    old.save(path)
    fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _DiskFull(fdopen(*a, **k)))
    with pytest.raises(OSError):
        MLP([3, 4, 2], "tanh", "bce", seed=1).save(path)
    monkeypatch.undo()
    loaded = MLP.load(path, "tanh", "bce")
    for name, value in old.params.items():
        np.testing.assert_array_equal(loaded.params[name], value)
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]


def test_no_file_is_created_when_the_folder_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        atomic_write(tmp_path / "missing" / "out.txt", "text")
    assert list(tmp_path.iterdir()) == []
