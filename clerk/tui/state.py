"""What a window remembers on its machine (platformdirs user_state_dir).

- the window number, so the clerk types it once per machine;
- visits that could not be saved (store outage): each a JSON file under
  ``pending/``, saved by a retry worker when the store returns, and removed
  only after the store confirmed the save.  A visit is written here *before*
  its first save attempt, with its visit key, so a window killed mid-save
  finds it again on restart and asks the store for that key.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

if TYPE_CHECKING:  # the domain loads after the first screen is drawn
    from clerk.cases.domain import IntakeDraft, Outcome


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
    key: str = ""  # the visit key (clerk.cases.visits), also the file stem in the pending folder


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
    from clerk.cases.domain import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus
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


class WindowState:
    """The state folder of this machine's window."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_state_dir()

    # -- window number -------------------------------------------------
    def window(self) -> int | None:
        try:
            return int((self.root / "window").read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    def remember_window(self, window: int) -> None:
        self._write(self.root / "window", str(window))

    # -- visits waiting for the store ----------------------------------
    @property
    def pending_dir(self) -> Path:
        return self.root / "pending"

    def keep(self, visit: PendingVisit) -> PendingVisit:
        key = visit.key or uuid.uuid4().hex
        data = {
            "clerk_id": visit.clerk_id,
            "window": visit.window,
            "outcome": visit.outcome.value,
            "reason": visit.reason,
            "draft": draft_to_dict(visit.draft),
            "visit_key": key,  # the store keeps one case per key: a kept visit is saved once
        }
        self._write(self.pending_dir / f"{key}.json", json.dumps(data, ensure_ascii=False, indent=1))
        return PendingVisit(visit.clerk_id, visit.window, visit.draft, visit.outcome, visit.reason, key)

    def pending(self) -> list[PendingVisit]:
        from clerk.cases.domain import Outcome

        found: list[Any] = []
        for path in sorted(self.pending_dir.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(
                PendingVisit(
                    clerk_id=data["clerk_id"],
                    window=int(data["window"]),
                    draft=draft_from_dict(data["draft"]),
                    outcome=Outcome(data["outcome"]),
                    reason=data.get("reason", ""),
                    key=data.get("visit_key") or path.stem,
                )
            )
        return found

    def saved(self, visit: PendingVisit) -> None:
        (self.pending_dir / f"{visit.key}.json").unlink(missing_ok=True)

    def _write(self, path: Path, text: str) -> None:
        # write-then-rename: a crash never leaves half a draft behind
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
