"""One writer at a time: a file lock under the data home serialises `assistant index` (and import).

The lock is an OS-level lock (flock through `filelock`), so it is released when its process dies, even by
SIGKILL: a killed indexer never leaves a stale lock behind. A second writer waits and says why.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from assistant.errors import StoreError

LOCK_NAME = "index.lock"


class IndexLock:
    """`with IndexLock(home, on_wait=print): ...` — waits (up to `timeout` seconds, None: for ever) while
    another process holds the lock, calling `on_wait` once with a Chinese message before waiting."""

    def __init__(self, home: Path, *, on_wait: Callable[[str], None] | None = None,
                 timeout: float | None = None) -> None:
        self.path = Path(home) / LOCK_NAME
        self.on_wait = on_wait
        self.timeout = timeout
        self._lock: FileLock | None = None

    def __enter__(self) -> IndexLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.path))
        except OSError as err:
            raise StoreError(f"无法在数据目录建立锁文件：{self.path}（{err}）", hint="检查数据目录的权限与磁盘空间") from err
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if self.on_wait:
                self.on_wait(f"另一个进程正在更新知识库（{self.path.parent}），等它完成后再继续……")
            try:
                lock.acquire(timeout=-1 if self.timeout is None else self.timeout)
            except Timeout:
                raise StoreError(f"等待 {self.timeout:g} 秒后，另一个进程仍在更新知识库",
                                 hint="稍后再试；确认没有其他 assistant index 在运行") from None
        except OSError as err:
            raise StoreError(f"无法在数据目录建立锁文件：{self.path}（{err}）", hint="检查数据目录的权限与磁盘空间") from err
        self._lock = lock
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


@contextmanager
def storage_errors() -> Iterator[None]:
    """Failed writes (disk full, file-size limit, I/O error, read-only disk) become one StoreError. The
    docstore commits each document and each vector batch in a transaction, so what was written stays usable
    and rerunning the same command continues."""
    try:
        yield
    except (sqlite3.Error, OSError) as err:
        raise _write_error(err) from err
    except Exception as err:
        # chromadb reports a failed write of its own files as its own error types (InternalError …).
        if type(err).__module__.split(".")[0] != "chromadb":
            raise
        raise _write_error(err) from err


def _write_error(err: BaseException) -> StoreError:
    return StoreError(f"写入知识库时出错：{err}（常见原因：磁盘已满、超出文件大小限制或没有写入权限）",
                      hint="腾出磁盘空间或修正权限后重新运行同一命令即可继续；已写入的内容仍可使用")
