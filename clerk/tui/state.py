"""What a window remembers on its machine (platformdirs user_state_dir).

- the window number, so the clerk types it once per machine;
- visits that could not be saved (store outage): each a JSON file under
  ``pending/``, saved by a retry worker when the store returns, and removed
  only after the store confirmed the save.  A visit is written here *before*
  its first save attempt, with its visit key, so a window killed mid-save
  finds it again on restart and asks the store for that key.

Everything here is personal data at rest: files 0600, folders 0700.  A kept
visit is sealed with an HMAC-SHA256 under a key derived from the hall key and
the clerk who kept it (``clerk.store.hallkey``), over every field, so a file
written or changed by hand — another clerk, another window, another name — fails
the check; it is moved to ``pending/rejected/`` and reported, never saved.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

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


def draft_to_dict(draft: IntakeDraft) -> dict:
    return {
        "code": draft.code,
        "applicant": {**asdict(draft.applicant), "kind": draft.applicant.kind.value},
        "delivery": draft.delivery.value,
        "answers": dict(draft.answers),
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


def draft_from_dict(data: dict) -> IntakeDraft:
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus
    from clerk.catalog.model import Delivery

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
    )


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


class WindowState:
    """The state folder of this machine's window.

    ``key`` returns the hall key (bytes); it is asked only when a visit is kept
    or read back, so a window without pending visits runs without it.
    """

    def __init__(self, root: Path | None = None, key: Callable[[], bytes] | None = None) -> None:
        self.root = root or default_state_dir()
        self.key = key
        self.rejected: list[Path] = []  # files moved aside since the app last asked (``take_rejected``)

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
        from clerk.incidents import log_path

        return log_path(self.root)

    # -- visits waiting for the store ----------------------------------
    @property
    def pending_dir(self) -> Path:
        return self.root / "pending"

    @property
    def rejected_dir(self) -> Path:
        return self.pending_dir / "rejected"

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
        data["seal"] = seal(self._hall_key(), data)
        try:
            self._write(self.pending_dir / f"{key}.json", json.dumps(data, ensure_ascii=False, indent=1))
        except OSError as exc:
            raise StateError(f"本机状态目录无法写入（{exc.strerror or exc}）") from exc
        return PendingVisit(visit.clerk_id, visit.window, visit.draft, visit.outcome, visit.reason, key)

    def pending(self) -> list[PendingVisit]:
        """The kept visits whose seal holds; any other file is moved aside (see ``take_rejected``)."""
        from clerk.domain.intake import Outcome

        try:
            paths = sorted(self.pending_dir.glob("*.json"))
        except OSError:
            return []
        if not paths:
            return []
        hall_key = self._hall_key()
        found: list[Any] = []
        for path in paths:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                given = data.pop("seal")
                if not isinstance(given, str) or not hmac.compare_digest(given, seal(hall_key, data)):
                    raise ValueError("seal")
                visit = PendingVisit(
                    clerk_id=str(data["clerk_id"]),
                    window=int(data["window"]),
                    draft=draft_from_dict(data["draft"]),
                    outcome=Outcome(data["outcome"]),
                    reason=str(data.get("reason", "")),
                    key=data.get("visit_key") or path.stem,
                )
            except Exception:  # noqa: BLE001 - forged, altered, truncated or not ours
                self._reject(path)
                continue
            found.append(visit)
        return found

    def _reject(self, path: Path) -> None:
        try:
            self.rejected_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            target = self.rejected_dir / path.name
            os.replace(path, target)
            os.chmod(target, 0o600)
        except OSError:
            target = path
        self.rejected.append(target)

    def take_rejected(self) -> list[Path]:
        """The files moved aside since the last call (to tell the clerk once)."""
        found, self.rejected = self.rejected, []
        return found

    # -- a half-entered visit, kept for its owner when another clerk signs her out --
    @property
    def drafts_dir(self) -> Path:
        return self.root / "drafts"

    def _draft_path(self, clerk_id: str) -> Path:
        return self.drafts_dir / f"{hashlib.sha256(clerk_id.encode('utf-8')).hexdigest()[:16]}.json"

    def keep_draft(self, clerk_id: str, draft: IntakeDraft) -> None:
        """Seal and write ``clerk_id``'s unfinished visit (``StateError`` when it cannot be kept)."""
        data = {"clerk_id": clerk_id, "draft": draft_to_dict(draft)}
        data["seal"] = seal(self._hall_key(), data, b"clerk.draft")
        try:
            self._write(self._draft_path(clerk_id), json.dumps(data, ensure_ascii=False, indent=1))
        except OSError as exc:
            raise StateError(f"本机状态目录无法写入（{exc.strerror or exc}）") from exc

    def take_draft(self, clerk_id: str) -> IntakeDraft | None:
        """``clerk_id``'s kept unfinished visit, removed from disk; None if none or its seal fails."""
        path = self._draft_path(clerk_id)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            given = data.pop("seal")
            if data.get("clerk_id") != clerk_id or not hmac.compare_digest(
                    str(given), seal(self._hall_key(), data, b"clerk.draft")):
                raise ValueError("seal")
            draft = draft_from_dict(data["draft"])
        except Exception:  # noqa: BLE001 - forged or damaged: set aside like a pending file
            self._reject(path)
            return None
        path.unlink(missing_ok=True)
        return draft

    def saved(self, visit: PendingVisit) -> None:
        (self.pending_dir / f"{visit.key}.json").unlink(missing_ok=True)

    # -- the visit being entered (back after a crash or a quit) ---------
    def _open_path(self, clerk_id: str) -> Path:
        safe = "".join(c if c.isalnum() else "_" for c in clerk_id)
        return self.root / "open" / f"{safe}.json"

    def keep_open(self, clerk_id: str, draft: IntakeDraft) -> None:
        """The clerk's half-entered visit, as typed so far (``draft.code`` may be empty),
        sealed under the hall key and bound to its clerk like a kept visit."""
        data = {"clerk_id": clerk_id, "draft": draft_to_dict(draft)}
        data["seal"] = seal(self._hall_key(), data, b"clerk.open")
        self._write(self._open_path(clerk_id), json.dumps(data, ensure_ascii=False, indent=1))

    def open_visit(self, clerk_id: str) -> IntakeDraft | None:
        """The visit ``clerk_id`` left half-entered on this machine, if any (a file whose
        seal fails is set aside, never shown)."""
        path = self._open_path(clerk_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        try:
            given = data.pop("seal")
            if data.get("clerk_id") != clerk_id or not hmac.compare_digest(
                    str(given), seal(self._hall_key(), data, b"clerk.open")):
                raise ValueError("seal")
            return draft_from_dict(data["draft"])
        except StateError:
            return None  # no hall key here: leave the file for when there is one
        except Exception:  # noqa: BLE001 - forged or damaged: set aside like a pending file
            self._reject(path)
            return None

    def drop_open(self, clerk_id: str) -> None:
        self._open_path(clerk_id).unlink(missing_ok=True)

    def _write(self, path: Path, text: str) -> None:
        # write-then-rename: a crash never leaves half a draft behind; only this account reads it
        for folder in (self.root, path.parent):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if folder.stat().st_mode & 0o077:
                os.chmod(folder, 0o700)
        tmp = path.with_suffix(path.suffix + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)
            raise
