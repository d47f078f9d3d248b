"""What a window remembers on its machine (platformdirs user_state_dir).

- the window number, so the clerk types it once per machine;
- visits that could not be saved (store outage): each a JSON file under
  ``pending/``, saved by a retry worker when the store returns, and removed
  only after the store confirmed the save.  A visit is written here *before*
  its first save attempt, with its visit key, so a window killed mid-save
  finds it again on restart and asks the store for that key;
- the visit being typed, one file per clerk under ``open/`` (named by a hash
  of the clerk id) with its visit key: back after a quit, a crash, or another
  clerk's sign-in at a locked window.  ``OpenVisitWriter`` writes it from a
  worker thread, so no key waits for the disk.

Everything here is personal data at rest: files 0600, folders 0700.  A kept
visit is sealed with an HMAC-SHA256 under a key derived from the hall key and
the clerk who kept it (``clerk.store.hallkey``), over every field, so a file
written or changed by hand — another clerk, another window, another name — fails
the check; it is moved to ``pending/rejected/`` and reported, never saved.

A kept file also names the hall key it was sealed under (``key_id``, a
fingerprint that does not reveal the key).  A file sealed under *another* key
(the window was given a new key file, or a file came from a window with another)
is not a forgery: it waits where it is (``waiting_for_key``) and is saved once
the right key is back.  A file whose name is not its visit key (copied or
replayed by hand: ``keep`` always names the file after the key) is set aside
once into ``pending/unmatched/``; otherwise the retry could never remove it.
A kept visit counts as kept only when the file *and its folder* were fsynced.

The captured pages of a visit (``IntakeDraft.files``, issue 26) are kept beside the
visit: one file per PDF under ``pages/`` named by its SHA-256 (0600, written and
fsynced before the visit's file), while the sealed visit records each material's
page count, SHA-256 and SM3.  So the seal covers the pages: a page file changed or
missing makes the kept visit fail its check, and it is set aside like a forged one.
Page files no kept visit names any more are removed when a visit is saved or dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from clerk.incidents import log_path
from clerk.store.hallkey import fingerprint, short

if TYPE_CHECKING:  # the domain loads after the first screen is drawn
    from clerk.domain.intake import IntakeDraft, Outcome


def default_state_dir() -> Path:
    return Path(platformdirs.user_state_dir("clerk"))


@dataclass(frozen=True)
class PendingVisit:
    """A finished visit waiting for the store: who, where, what and how."""

    clerk_id: str
    window: int
    draft: IntakeDraft
    outcome: Outcome
    reason: str = ""
    key: str = ""  # the visit key (clerk.services.visits), also the file stem in the pending folder
    at: datetime | None = None  # when the visit was finished at the window: the case's received_at


@dataclass(frozen=True)
class OpenVisit:
    """A half-entered visit as kept on disk: what was typed and the key that names it."""

    draft: IntakeDraft
    key: str


class OpenVisitWriter:
    """Keeps the visit being typed on disk without making a key wait for the disk.

    ``note`` (on the UI thread) only remembers the newest state of a clerk's
    visit; ``drain`` (in a worker thread) seals and writes it, newest first and
    only once however many keys came meanwhile.  ``flush`` does the same on the
    caller's thread (quit, hand-over): whatever it writes is never overwritten
    by an older state, because taking a state and writing it happen under one lock.
    A process that dies loses at most the keys of the write in progress.
    """

    def __init__(self, state: WindowState) -> None:
        self.state = state
        self._lock = threading.Lock()  # guards _ops and _draining
        self._writing = threading.Lock()  # one write at a time, in order
        self._ops: dict[str, tuple[IntakeDraft, str] | None] = {}  # clerk → newest state (None: drop)
        self._draining = False

    def note(self, clerk_id: str, draft: IntakeDraft | None, visit_key: str = "") -> bool:
        """Remember the newest state (None: the visit is gone); True when a drain must be started."""
        with self._lock:
            self._ops[clerk_id] = (draft, visit_key) if draft is not None else None
            if self._draining:
                return False
            self._draining = True
            return True

    def drain(self) -> list[StateError]:
        """Write until nothing is waiting (a worker thread); the errors met on the way."""
        errors: list[StateError] = []
        while True:
            with self._writing:
                with self._lock:
                    if not self._ops:
                        self._draining = False
                        return errors
                    clerk_id, op = self._ops.popitem()
                try:
                    self._apply(clerk_id, op)
                except StateError as exc:
                    errors.append(exc)

    def flush(self) -> None:
        """Write everything waiting now, on this thread (``StateError`` when it cannot)."""
        with self._writing:
            with self._lock:
                ops, self._ops = self._ops, {}
            for clerk_id, op in ops.items():
                self._apply(clerk_id, op)

    def _apply(self, clerk_id: str, op: tuple[IntakeDraft, str] | None) -> None:
        if op is None:
            self.state.drop_open(clerk_id)
        else:
            self.state.keep_open(clerk_id, *op)


def draft_to_dict(draft: IntakeDraft) -> dict:
    data = _draft_fields(draft)
    if draft.files:  # the digests only: the bytes are kept beside (``WindowState.pages_dir``)
        data["files"] = {key: {"pages": f.pages, "sha256": f.sha256, "sm3": f.sm3}
                         for key, f in sorted(draft.files.items())}
    return data


def _draft_fields(draft: IntakeDraft) -> dict:
    return {
        "code": draft.code,
        "applicant": {**asdict(draft.applicant), "kind": draft.applicant.kind.value},
        "delivery": draft.delivery.value,
        "answers": dict(draft.answers),
        "child_name": draft.child_name,
        "marks": {
            key: {
                "status": m.status.value,
                "copies": m.copies,
                "note": m.note,
                "supply_by": m.supply_by.isoformat() if m.supply_by else None,
            }
            for key, m in draft.marks.items()
        },
    }


def draft_from_dict(data: dict, pages_dir: Path | None = None) -> IntakeDraft:
    """The draft back; its pages are read from ``pages_dir`` and must match the recorded digests
    (``ValueError`` otherwise: the caller sets the kept file aside)."""
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus
    from clerk.domain.scans import MaterialFile

    applicant = dict(data["applicant"])
    applicant["kind"] = ApplicantKind(applicant["kind"])
    marks = {
        key: MaterialMark(
            status=MaterialStatus(m["status"]),
            copies=int(m["copies"]),
            note=m["note"],
            supply_by=date.fromisoformat(m["supply_by"]) if m["supply_by"] else None,
        )
        for key, m in data["marks"].items()
    }
    return IntakeDraft(
        code=data["code"],
        applicant=Applicant(**applicant),
        delivery=Delivery(data["delivery"]),
        answers=dict(data["answers"]),
        marks=marks,
        child_name=str(data.get("child_name", "")),  # files kept before the field existed have none
        files={key: _kept_pages(pages_dir, key, f, MaterialFile) for key, f in dict(data.get("files") or {}).items()},
    )


def _kept_pages(pages_dir: Path | None, key: str, entry: dict, kind: Any) -> Any:
    if pages_dir is None:
        raise ValueError("pages")
    sha = str(entry["sha256"])
    if len(sha) != 64 or not all(c in "0123456789abcdef" for c in sha):
        raise ValueError("pages")
    file = kind(key, (pages_dir / f"{sha}.pdf").read_bytes(), int(entry["pages"]), sha, str(entry["sm3"]))
    if not file.intact():
        raise ValueError("pages")
    return file


class StateError(OSError):
    """The state folder cannot keep a visit (disk full, no permission, no hall key)."""


def _derived_key(hall_key: bytes, clerk_id: str, purpose: bytes = b"clerk.pending") -> bytes:
    """The seal key of one clerk's kept visits (a visit sealed for one clerk fails for another)."""
    return hmac.new(hall_key, purpose + b"\x00" + clerk_id.encode("utf-8"), hashlib.sha256).digest()


def _canonical(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def seal(hall_key: bytes, data: dict, purpose: bytes = b"clerk.pending") -> str:
    key = _derived_key(hall_key, str(data["clerk_id"]), purpose)
    return hmac.new(key, _canonical(data), hashlib.sha256).hexdigest()


def key_id(hall_key: bytes) -> str:
    """The key's fingerprint as written in kept files and shown to the clerk: the store's own
    fingerprint (``clerk.store.hallkey.fingerprint``) in the form doctor and setup print it."""
    return short(fingerprint(hall_key))


class WindowState:
    """The state folder of this machine's window.

    ``key`` returns the hall key (bytes); it is asked only when a visit is kept
    or read back, so a window without pending visits runs without it.
    """

    def __init__(self, root: Path | None = None, key: Callable[[], bytes] | None = None) -> None:
        self.root = root or default_state_dir()
        self.key = key
        self.rejected: list[Path] = []  # files moved aside since the app last asked (``take_rejected``)
        self.unmatched: list[Path] = []  # files set aside as copies or replays (``take_unmatched``)
        self.waiting_for_key: dict[str, int] = {}  # kept files per foreign key id, as the last ``pending`` found
        self.writer = OpenVisitWriter(self)  # the visit being typed, written off the UI thread

    # -- window number -------------------------------------------------
    def window(self) -> int | None:
        try:
            return int((self.root / "window").read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    def remember_window(self, window: int) -> bool:
        """Remember the number for next time; False (never an error) when the folder is full or read-only."""
        try:
            self._write(self.root / "window", str(window))
        except OSError:
            return False
        return True

    @property
    def log_path(self) -> Path:
        """The one error log (``clerk.incidents.log_path``): here unless ``CLERK_LOG_DIR`` says elsewhere."""
        return log_path(self.root)

    # -- visits waiting for the store ----------------------------------
    @property
    def pending_dir(self) -> Path:
        return self.root / "pending"

    @property
    def rejected_dir(self) -> Path:
        return self.pending_dir / "rejected"

    @property
    def unmatched_dir(self) -> Path:
        return self.pending_dir / "unmatched"

    def _hall_key(self) -> bytes:
        if self.key is None:
            raise StateError("本机未配置大厅密钥，无法暂存或核验办件")
        try:
            return self.key()
        except Exception as exc:  # HallKeyError carries a Chinese message
            raise StateError(str(exc)) from exc

    def keep(self, visit: PendingVisit) -> PendingVisit:
        """Seal and write the visit; ``StateError`` (an ``OSError``) when it cannot be kept."""
        key = visit.key or uuid.uuid4().hex
        data = {
            "clerk_id": visit.clerk_id,
            "window": visit.window,
            "outcome": visit.outcome.value,
            "reason": visit.reason,
            "draft": draft_to_dict(visit.draft),
            "visit_key": key,  # the store keeps one case per key: a kept visit is saved once
        }
        if visit.at is not None:  # the applicant's time, whenever the store gets the visit
            data["at"] = visit.at.isoformat()
        hall_key = self._hall_key()
        data["key_id"] = key_id(hall_key)  # sealed under which key: another key's file waits for it
        data["seal"] = seal(hall_key, data)
        try:
            self._keep_pages(visit.draft, sync=True)
            self._write(self.pending_dir / f"{key}.json", json.dumps(data, ensure_ascii=False, indent=1),
                        sync_folder=True)
        except OSError as exc:
            raise StateError(f"本机状态目录无法写入（{exc.strerror or exc}）") from exc
        return PendingVisit(visit.clerk_id, visit.window, visit.draft, visit.outcome, visit.reason, key, visit.at)

    def pending(self) -> list[PendingVisit]:
        """The kept visits whose seal holds under this window's key.

        A file sealed under another hall key is left where it is and counted in
        ``waiting_for_key``; a file whose seal fails is moved to ``rejected/``
        (``take_rejected``); a sound file not named after its visit key (a copy or
        a replay) is moved to ``unmatched/`` (``take_unmatched``).
        """
        from clerk.domain.intake import Outcome

        self.waiting_for_key = {}
        try:
            paths = sorted(self.pending_dir.glob("*.json"))
        except OSError:
            return []
        if not paths:
            return []
        hall_key = self._hall_key()
        ours = key_id(hall_key)
        found: list[Any] = []
        for path in paths:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                sealed_under = data.get("key_id")
                if isinstance(sealed_under, str) and sealed_under != ours:  # another key's: wait for it
                    self.waiting_for_key[sealed_under] = self.waiting_for_key.get(sealed_under, 0) + 1
                    continue
                given = data.pop("seal")
                if not isinstance(given, str) or not hmac.compare_digest(given, seal(hall_key, data)):
                    raise ValueError("seal")
                visit = PendingVisit(
                    clerk_id=str(data["clerk_id"]),
                    window=int(data["window"]),
                    draft=draft_from_dict(data["draft"], self.pages_dir),
                    outcome=Outcome(data["outcome"]),
                    reason=str(data.get("reason", "")),
                    key=data.get("visit_key") or path.stem,
                    at=datetime.fromisoformat(data["at"]) if data.get("at") else None,  # none in older files
                )
            except Exception:  # noqa: BLE001 - forged, altered, truncated or not ours
                self._reject(path)
                continue
            if visit.key != path.stem:  # copied or replayed: ``saved`` could never remove it
                self._set_aside(path, self.unmatched_dir, self.unmatched)
                continue
            found.append(visit)
        return found

    def _reject(self, path: Path) -> None:
        self._set_aside(path, self.rejected_dir, self.rejected)

    def _set_aside(self, path: Path, folder: Path, moved: list[Path]) -> None:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            target = folder / path.name
            os.replace(path, target)
            os.chmod(target, 0o600)
        except OSError:
            target = path
        moved.append(target)

    def take_rejected(self) -> list[Path]:
        """The files moved aside since the last call (to tell the clerk once)."""
        found, self.rejected = self.rejected, []
        return found

    def take_unmatched(self) -> list[Path]:
        """The copies and replays set aside since the last call (to tell the clerk once)."""
        found, self.unmatched = self.unmatched, []
        return found

    def hall_key_id(self) -> str:
        """This window's hall key fingerprint (``StateError`` without a key)."""
        return key_id(self._hall_key())

    def saved(self, visit: PendingVisit) -> None:
        (self.pending_dir / f"{visit.key}.json").unlink(missing_ok=True)
        if visit.draft.files:
            self._sweep_pages()

    # -- captured pages of kept visits -----------------------------------
    @property
    def pages_dir(self) -> Path:
        return self.root / "pages"

    def _keep_pages(self, draft: IntakeDraft, *, sync: bool = False) -> None:
        """Write each PDF of ``draft`` not yet kept (0600, fsynced) before the visit that names it."""
        for file in draft.files.values():
            path = self.pages_dir / f"{file.sha256}.pdf"
            if path.is_file() and path.stat().st_size == len(file.pdf):
                continue
            self._write(path, file.pdf)
        if sync and draft.files:
            _sync_folder(self.pages_dir)

    def _sweep_pages(self) -> None:
        """Remove page files no kept visit (pending, open, set aside) names any more."""
        if not self.pages_dir.is_dir():
            return
        named: set[str] = set()
        for folder in (self.pending_dir, self.open_dir, self.rejected_dir, self.unmatched_dir):
            for path in folder.glob("*.json") if folder.is_dir() else ():
                try:
                    files = json.loads(path.read_text(encoding="utf-8")).get("draft", {}).get("files") or {}
                    named.update(str(f.get("sha256")) for f in files.values())
                except (OSError, ValueError, AttributeError):
                    return  # unreadable: keep everything rather than guess
        for path in self.pages_dir.glob("*.pdf"):
            if path.stem not in named:
                path.unlink(missing_ok=True)

    # -- the visit being entered: one sealed file per clerk -----------------
    # Back after a quit, a crash, an outage or another clerk's sign-in at a locked
    # window.  The file keeps the visit key, so a visit that was already saved
    # (killed mid-save) is not saved twice when it is finished again.
    @property
    def open_dir(self) -> Path:
        return self.root / "open"

    def _open_path(self, clerk_id: str) -> Path:
        # hashed: ids ``a.b`` and ``a_b`` (or any two ids) never share a file
        return self.open_dir / f"{hashlib.sha256(clerk_id.encode('utf-8')).hexdigest()}.json"

    def keep_open(self, clerk_id: str, draft: IntakeDraft, visit_key: str) -> None:
        """Seal and write ``clerk_id``'s half-entered visit (``draft.code`` may be empty),
        bound to its clerk and its visit key; ``StateError`` when it cannot be kept."""
        hall_key = self._hall_key()
        data = {"clerk_id": clerk_id, "draft": draft_to_dict(draft), "visit_key": visit_key,
                "key_id": key_id(hall_key)}
        data["seal"] = seal(hall_key, data, b"clerk.open")
        try:
            self._keep_pages(draft)
            self._write(self._open_path(clerk_id), json.dumps(data, ensure_ascii=False, indent=1))
        except OSError as exc:
            raise StateError(f"本机状态目录无法写入（{exc.strerror or exc}）") from exc

    def open_visit(self, clerk_id: str) -> OpenVisit | None:
        """The visit ``clerk_id`` left half-entered on this machine, if any (a file whose
        seal fails is set aside, never shown; without the hall key it is left for later)."""
        path = self._open_path(clerk_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            hall_key = self._hall_key()
            if data.get("key_id", key_id(hall_key)) != key_id(hall_key):
                return None  # sealed under another hall key: left for when that key is back
            given = data.pop("seal")
            if data.get("clerk_id") != clerk_id or not hmac.compare_digest(
                    str(given), seal(hall_key, data, b"clerk.open")):
                raise ValueError("seal")
            return OpenVisit(draft_from_dict(data["draft"], self.pages_dir), str(data.get("visit_key") or ""))
        except StateError:
            return None
        except Exception:  # noqa: BLE001 - forged or damaged: set aside like a pending file
            self._reject(path)
            return None

    def drop_open(self, clerk_id: str) -> None:
        path = self._open_path(clerk_id)
        had_pages = path.is_file() and '"files"' in path.read_text(encoding="utf-8", errors="replace")
        path.unlink(missing_ok=True)
        if had_pages:
            self._sweep_pages()

    def _write(self, path: Path, content: str | bytes, *, sync_folder: bool = False) -> None:
        """Write-then-rename (text as UTF-8): a crash never leaves half a file behind; only this
        account reads it.

        ``sync_folder``: the folder is fsynced too (and the one above when the folder is new),
        so the new name survives a power cut; on any failure the file is not left behind
        (a kept visit is either durably there or reported as not kept).
        """
        created = not path.parent.is_dir()
        for folder in (self.root, path.parent):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if folder.stat().st_mode & 0o077:
                os.chmod(folder, 0o700)
        tmp = path.with_suffix(path.suffix + ".tmp")
        renamed = False
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content.encode("utf-8") if isinstance(content, str) else content)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
            renamed = True
            if sync_folder:
                _sync_folder(path.parent)
                if created:
                    _sync_folder(path.parent.parent)
        except OSError:
            tmp.unlink(missing_ok=True)
            if renamed:
                path.unlink(missing_ok=True)
            raise


def _sync_folder(folder: Path) -> None:
    """fsync a folder: its entries (a renamed file's new name) reach the disk."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
