"""A time limit for SymPy work on user input: a SIGALRM timer that SymPy cannot swallow."""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable
from typing import TypeVar

from symbolic.parse import TimeLimitError

TIME_LIMIT = 10.0
"""Seconds :func:`with_time_limit` allows by default."""


class _Expired(BaseException):
    """Raised by SIGALRM; a BaseException, so that no ``except Exception`` in SymPy keeps it."""


_armed = False


def _expire(signum, frame) -> None:
    if _armed:
        raise _Expired


def _disarm() -> None:
    global _armed
    while True:  # a tick may land before the flag is down: then put it down again
        try:
            _armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        except _Expired:
            pass


_T = TypeVar("_T")


def with_time_limit(seconds: float | None, function: Callable[..., _T], *args) -> _T:
    """Return ``function(*args)``, or raise :class:`TimeLimitError` after *seconds*.

    *seconds* None means :data:`TIME_LIMIT`; ``math.inf`` means no limit. The limit is a
    ``SIGALRM`` interval timer, so it applies only on POSIX systems, in the main thread,
    when no other ``ITIMER_REAL`` timer is running; otherwise *function* runs without one.
    The timer repeats every 0.1 s after it expires (in case a library's bare ``except:``
    swallows one alarm), and it is always cleared and the previous handler restored.
    It interrupts Python code only: one long C call (a huge integer power) would finish
    first, which is why :func:`parse_expression` bounds its numbers.
    """
    global _armed
    seconds = TIME_LIMIT if seconds is None else seconds
    if not seconds > 0:
        raise ValueError(f"time limit must be positive, not {seconds!r}")
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if math.isinf(seconds) or not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        return function(*args)
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        _armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
        try:
            return function(*args)
        finally:
            _disarm()
    except _Expired:
        raise TimeLimitError(f"took longer than the time limit of {seconds:g} s") from None
    finally:
        if previous is not None:  # None: a handler not installed from Python; ours is inert
            signal.signal(signal.SIGALRM, previous)


__all__ = ["TIME_LIMIT", "TimeLimitError", "with_time_limit"]
