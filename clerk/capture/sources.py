"""Where a page comes from: a SANE scanner, a document camera's drop folder, a file.

Each source's ``capture()`` blocks (run it in a worker) and returns the bytes of one
picture (or, for a file, a picture or a PDF) with a short Chinese name of where it
came from; anything that goes wrong is a ``CaptureError`` with one Chinese line.

- ``ScannerSource``: ``scanimage -d DEVICE --resolution DPI --format=jpeg`` (SANE), its
  JPEG read from standard output.  Not found, busy, out of paper, ``scanimage`` not
  installed and a scan that hangs each have their own message.
- ``DropFolderSource``: the vendor software of a document camera (高拍仪) saves each
  picture in a folder.  A capture takes the newest picture file that was not there when
  the source was made and has not been taken yet, waiting for one to appear; a file still
  being written is taken only once its size and time stop changing and it decodes whole.
  A picture taken is removed from the folder (a scan is personal data: it lives on in the
  case, not in a folder on the window PC) unless the source is told to keep it.
- ``read_file``: a picture or PDF the applicant sent (an online supplement).

``configured_source(settings.capture)`` makes the window's source from ``[capture]``.
"""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from clerk.capture.limits import DEFAULT_LIMITS, CaptureError, human_size
from clerk.config import CaptureSettings

#: Picture files a document camera saves (lower-case suffixes).
PICTURE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"})


@dataclass(frozen=True)
class Captured:
    data: bytes
    source: str  # 扫描仪 / 高拍仪 / the file's name


class Source(Protocol):
    label: str  # for the clerk: 扫描仪（test） / 高拍仪

    def capture(self, cancelled: Callable[[], bool] = ...) -> Captured: ...


# -- SANE -------------------------------------------------------------------------


@dataclass
class ScannerSource:
    """A scanner through SANE's ``scanimage``."""

    device: str
    resolution: int = 300
    options: tuple[str, ...] = ()
    timeout: float = 30.0
    command: str = "scanimage"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def label(self) -> str:
        return f"扫描仪（{self.device}）"

    def argv(self) -> list[str]:
        return [self.command, "-d", self.device, "--resolution", str(self.resolution), "--format=jpeg",
                *self.options]

    def capture(self, cancelled: Callable[[], bool] = lambda: False) -> Captured:
        if not self._lock.acquire(blocking=False):
            raise CaptureError("扫描仪正在扫描上一页，请稍候")
        try:
            return Captured(self._scan(), "扫描仪")
        finally:
            self._lock.release()

    def _scan(self) -> bytes:
        try:
            done = subprocess.run(self.argv(), capture_output=True, timeout=self.timeout, check=False,
                                  stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise CaptureError("未安装 scanimage（sane-utils），无法使用扫描仪：请 IT 安装 sane-utils，"
                               "或在配置 [capture] 中改用高拍仪文件夹") from None
        except subprocess.TimeoutExpired:
            raise CaptureError(f"扫描仪 {self.timeout:g} 秒内没有完成扫描：请检查扫描仪是否卡纸或已断开") from None
        except OSError as exc:
            raise CaptureError(f"无法启动 scanimage：{exc.strerror or exc}") from None
        if done.returncode != 0 or not done.stdout:
            raise CaptureError(scanner_problem(self.device, done.stderr.decode("utf-8", "replace")))
        return done.stdout


def scanner_problem(device: str, stderr: str) -> str:
    """The clerk's line for what ``scanimage`` said on a failed scan."""
    text = stderr.lower()
    if "device busy" in text or "busy" in text:
        return f"扫描仪（{device}）正忙：可能另一程序正在使用，请稍后再扫"
    if "out of documents" in text or "no more documents" in text:
        return f"扫描仪（{device}）进纸器中没有纸，请放入材料后再扫"
    if "jammed" in text:
        return f"扫描仪（{device}）卡纸，请取出纸张后再扫"
    if "cover" in text and "open" in text:
        return f"扫描仪（{device}）盖板未合上"
    if "invalid argument" in text or "no such" in text or "not found" in text or ("failed" in text and "open" in text):
        return f"找不到扫描仪（{device}）：请检查连接和电源，或用 scanimage -L 查看设备名后改配置 capture.scanner"
    if "unrecognized option" in text or "unknown option" in text or "invalid option" in text:
        return "扫描仪不认识配置 capture.scanner_options 中的选项，请 IT 检查（scanimage --help -d 设备名）"
    if "access denied" in text or "permission" in text:
        return f"没有使用扫描仪（{device}）的权限：请 IT 将本机用户加入 scanner 组"
    last = stderr.strip().splitlines()[-1] if stderr.strip() else "没有输出图像"
    return f"扫描失败（{device}）：{last[:120]}"


# -- a document camera's drop folder --------------------------------------------------


@dataclass
class DropFolderSource:
    """Pictures a document camera's software saves into ``folder``."""

    folder: Path
    timeout: float = 30.0
    settle: float = 0.15  # a file must keep its size and time this long before it is read
    broken_after: float = 2.0  # a file still this long that does not decode is broken, not being written
    poll: float = 0.05
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    label: str = "高拍仪"
    remove_taken: bool = True  # delete a picture once read (``[capture] keep_camera_files = false``)
    _there: set[str] | None = field(default=None, repr=False)  # found when the source was made: never taken
    _taken: set[tuple[str, int, int]] = field(default_factory=set, repr=False)  # (name, size, mtime_ns)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        try:
            self._there = {name for name, _ in self._pictures()}
        except CaptureError:
            self._there = None  # the folder is not there yet: said at the first capture

    def _pictures(self) -> list[tuple[str, os.stat_result]]:
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            raise CaptureError(f"找不到高拍仪文件夹 {self.folder}：请检查配置 capture.drop_folder") from None
        except OSError as exc:
            raise CaptureError(f"无法读取高拍仪文件夹 {self.folder}：{exc.strerror or exc}") from None
        found = []
        for entry in entries:
            if Path(entry.name).suffix.lower() not in PICTURE_SUFFIXES or entry.name.startswith("."):
                continue
            try:
                if entry.is_file():
                    found.append((entry.name, entry.stat()))
            except OSError:
                continue  # removed meanwhile
        return found

    def _candidates(self) -> list[tuple[str, os.stat_result]]:
        """New pictures not taken yet, newest first."""
        pictures = self._pictures()
        if self._there is None:
            self._there = {name for name, _ in pictures}
        fresh = [(name, st) for name, st in pictures
                 if name not in self._there and (name, st.st_size, st.st_mtime_ns) not in self._taken]
        return sorted(fresh, key=lambda item: (item[1].st_mtime_ns, item[0]), reverse=True)

    def discard_waiting(self) -> int:
        """A visit ended: pictures saved for it and never taken are not the next applicant's.  They
        are never offered again (and removed, like a taken one, unless pictures are kept); how many."""
        try:
            waiting = self._candidates()
        except CaptureError:
            return 0
        for name, st in waiting:
            self._taken.add((name, st.st_size, st.st_mtime_ns))
            if self.remove_taken:
                try:
                    (self.folder / name).unlink()
                except OSError:
                    pass
        return len(waiting)

    def capture(self, cancelled: Callable[[], bool] = lambda: False) -> Captured:
        if not self._lock.acquire(blocking=False):
            raise CaptureError("正在等待高拍仪的上一张图片，请稍候")
        try:
            return self._wait(cancelled)
        finally:
            self._lock.release()

    def _wait(self, cancelled: Callable[[], bool]) -> Captured:
        deadline = self.clock() + self.timeout
        seen: dict[str, tuple[int, int, float]] = {}  # name → (size, mtime_ns, since)
        problem = ""
        while True:
            now = self.clock()
            for name, st in self._candidates():
                sig = (st.st_size, st.st_mtime_ns)
                before = seen.get(name)
                if before is None or before[:2] != sig:
                    seen[name] = (*sig, now)
                    break  # the newest is still changing (or just appeared): look again
                if now - before[2] < self.settle or st.st_size == 0:
                    break
                data = self._read_whole(name, st)
                if data is None:
                    if now - before[2] >= self.broken_after:
                        self._taken.add((name, st.st_size, st.st_mtime_ns))  # never offered again
                        raise CaptureError(f"高拍仪图片 {name} 不完整或已损坏，已跳过：请重新拍摄")
                    problem = f"（{name} 不是完整的图片）"
                    break  # still being written although it looked still: look again
                self._taken.add((name, st.st_size, st.st_mtime_ns))
                if self.remove_taken:
                    try:
                        (self.folder / name).unlink()
                    except OSError:
                        pass  # read-only folder: remembered as taken all the same
                return Captured(data, f"高拍仪 {name}")
            if now >= deadline:
                raise CaptureError(f"高拍仪 {self.timeout:g} 秒内没有保存新的图片{problem}：请在高拍仪软件中拍摄，"
                                   f"并确认其保存文件夹为 {self.folder}")
            if cancelled():
                raise CaptureError("已取消采集")
            self.sleep(self.poll)

    def _read_whole(self, name: str, st: os.stat_result) -> bytes | None:
        if st.st_size > DEFAULT_LIMITS.max_file_bytes:
            self._taken.add((name, st.st_size, st.st_mtime_ns))
            raise CaptureError(f"高拍仪图片 {name} 过大（{human_size(st.st_size)}），已跳过：请降低高拍仪的分辨率")
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        if len(data) != st.st_size:
            return None
        from PIL import Image  # here: the window imports this module at start-up

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
        except Exception:  # noqa: BLE001 - any decoder error: not whole yet (or never: the timeout says so)
            return None
        return data


# -- a file ------------------------------------------------------------------------


def read_file(path: str | Path, *, limit: int = DEFAULT_LIMITS.max_file_bytes) -> Captured:
    """A picture or PDF file named by the clerk (bytes unread beyond ``limit``)."""
    text = str(path).strip().strip("'\"")
    if not text:
        raise CaptureError("请输入文件路径")
    file = Path(text).expanduser()
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise CaptureError(f"{file} 不是文件")
        if size > limit:
            raise CaptureError(f"文件过大（{human_size(size)}），超过 {human_size(limit)} 的上限")
        data = file.read_bytes()
    except CaptureError:
        raise
    except FileNotFoundError:
        raise CaptureError(f"找不到文件 {file}") from None
    except PermissionError:
        raise CaptureError(f"没有读取 {file} 的权限") from None
    except OSError as exc:
        raise CaptureError(f"无法读取 {file}：{exc.strerror or exc}") from None
    return Captured(data, file.name)


def configured_source(settings: CaptureSettings) -> ScannerSource | DropFolderSource | None:
    """The window's capture source from ``[capture]`` (None: files only)."""
    use = settings.source or ("scanner" if settings.scanner else "folder" if settings.drop_folder else "")
    if use == "scanner":
        return ScannerSource(settings.scanner, settings.resolution, tuple(shlex.split(settings.scanner_options)),
                             settings.timeout_seconds)
    if use == "folder":
        return DropFolderSource(Path(settings.drop_folder), settings.timeout_seconds,
                                remove_taken=not settings.keep_camera_files)
    return None
