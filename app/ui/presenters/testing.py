"""The 检验与判定 page without its widgets: the sample shown, the drafts of typed values, and what
each of the page's actions may do now.

Every decision comes from the snapshots' ``allowed_actions`` (the services' permission model,
``app.services.permissions``); nothing here re-derives a role or a state rule. The view renders a
:class:`ButtonState` per button: enabled, and the reason (Chinese, from the service) when not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.services import reports, testing
from app.services.permissions import Action

NO_REPORT = "该样品还没有编制报告。"
NO_AMENDMENT = "请先在更正记录中选择一项更正。"
NO_ITEM = "请先选择一个检验项目。"
NO_BASIS = "该项目没有判定依据，请组织专家组验证评价（第五条）。"
PANEL_ITEM = "该项目已由专家组验证评价，不能再录入检验结果。"
NOT_PANEL = "该项目有判定依据，应实施检验，不需要专家组评价。"
NO_DRAFT = "没有未保存的修改。"
LOADING = "正在载入…"

#: the page's buttons, each with the action of the permission model it renders
BUTTONS = ("start", "complete", "reopen", "compile", "review", "approve", "reported", "approve_amendment",
           "refuse_amendment", "hazard", "save", "panel", "discard")


@dataclass(frozen=True)
class Draft:
    """What the user typed for one item and has not saved, and the result version it started from."""

    version: int
    value: str
    unit: str
    judgement: str
    reason: str
    amendment_reason: str


@dataclass(frozen=True)
class ButtonState:
    enabled: bool
    reason: str = ""  # why not, in Chinese ("" when enabled)


def _state(action: Action) -> ButtonState:
    return ButtonState(True) if action.allowed else ButtonState(False, action.reason)


class TestingPresenter:
    """Holds one sample's work (``reports.SampleWork``), the drafts per result id, the selected
    item, and turns ``allowed_actions`` into the page's button states."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        self.work: reports.SampleWork | None = None
        self.drafts: dict[int, Draft] = {}
        self.row_id: int | None = None
        self.loading = False
        #: after a conflict, the draft of this result is kept and adopts the newer version on reload
        self.adopt_after: int | None = None

    # ------------------------------------------------------------------ the sample
    def show(self, work: reports.SampleWork) -> None:
        """Take a fresh snapshot: drafts of items that are gone are dropped; a draft kept through a
        conflict moves onto the result's new version."""
        self.work = work
        self.loading = False
        rows = {r.id: r for r in work.grid.rows}
        self.drafts = {k: v for k, v in self.drafts.items() if k in rows}
        if self.adopt_after is not None and self.adopt_after in self.drafts:
            self.drafts[self.adopt_after] = replace(self.drafts[self.adopt_after], version=rows[self.adopt_after].version)
            self.adopt_after = None

    def clear(self) -> None:
        """Another sample is opened: nothing of the previous one is kept."""
        self.work = None
        self.drafts.clear()
        self.row_id = None
        self.adopt_after = None

    def current_row(self) -> testing.ResultRow | None:
        if self.work is None or self.row_id is None:
            return None
        return next((r for r in self.work.grid.rows if r.id == self.row_id), None)

    def amend_mode(self) -> bool:
        """Results were issued: a change is an amendment (更正), not an entry."""
        return self.work is not None and self.work.has_approved_report

    # ------------------------------------------------------------------ drafts
    def edit(self, row: testing.ResultRow, *, value: str, unit: str, judgement: str, reason: str,
             amendment_reason: str) -> Draft:
        """The user typed: keep it as the item's draft (on the version it was started from)."""
        base = self.drafts.get(row.id)
        draft = Draft(base.version if base else row.version, value, unit, judgement, reason, amendment_reason)
        self.drafts[row.id] = draft
        return draft

    def discard(self, row_id: int) -> None:
        self.drafts.pop(row_id, None)

    def saved(self, row_id: int) -> None:
        self.drafts.pop(row_id, None)

    def save_call(self, row: testing.ResultRow, *, value: str, unit: str, judgement: str, reason: str,
                  amendment_reason: str):
        """(service function, result version, keyword arguments) that saves the item: an entry while
        testing, an amendment once results were issued."""
        draft = self.drafts.get(row.id)
        version = draft.version if draft else row.version
        kwargs = dict(value_text=value, unit=unit, judgement=None if row.numeric else (judgement or None),
                      reason=reason)
        if self.amend_mode():
            return reports.amend_result, version, {**kwargs, "amendment_reason": amendment_reason}
        return testing.record_result, version, kwargs

    # ------------------------------------------------------------------ what may be done
    def buttons(self, chosen: reports.AmendmentInfo | None = None) -> dict[str, ButtonState]:
        """Each button of :data:`BUTTONS` → enabled, or why not (from ``allowed_actions``)."""
        w = self.work
        if w is None:
            return {name: ButtonState(False) for name in BUTTONS}
        allowed = w.allowed_actions
        out = {
            "start": _state(allowed.get_action("start")),
            "complete": _state(allowed.get_action("complete")),
            "reopen": _state(allowed.get_action("reopen")),
            "compile": _state(allowed.get_action("compile")),
            "reported": _state(allowed.get_action("mark_reported")),
            "hazard": _state(allowed.get_action("report_hazard")),
        }
        report = w.report
        for name in ("review", "approve"):
            out[name] = ButtonState(False, NO_REPORT) if report is None else _state(report.allowed_actions.get_action(name))
        for name, action in (("approve_amendment", "approve"), ("refuse_amendment", "refuse")):
            out[name] = ButtonState(False, NO_AMENDMENT) if chosen is None else _state(
                chosen.allowed_actions.get_action(action))
        row = self.current_row()
        out["save"] = self._save_state(row)
        out["panel"] = self._panel_state(row)
        out["discard"] = ButtonState(True) if row is not None and row.id in self.drafts else ButtonState(False, NO_DRAFT)
        if self.loading:
            out = {name: ButtonState(False, s.reason or LOADING) if s.enabled else s for name, s in out.items()}
            out["discard"] = ButtonState(row is not None and row.id in self.drafts)
        return out

    def editable(self) -> bool:
        """The editor's fields take input: the selected item's result may be entered or amended."""
        return self.work is not None and self._save_state(self.current_row()).enabled

    def _save_state(self, row: testing.ResultRow | None) -> ButtonState:
        assert self.work is not None
        state = _state(self.work.allowed_actions.get_action("amend" if self.amend_mode() else "enter_result"))
        if not state.enabled:
            return state
        if row is None:
            return ButtonState(False, NO_ITEM)
        if row.basis is None:
            return ButtonState(False, NO_BASIS)
        if (row.basis or {}).get("source") == "panel":
            return ButtonState(False, PANEL_ITEM)
        return state

    def _panel_state(self, row: testing.ResultRow | None) -> ButtonState:
        assert self.work is not None
        state = _state(self.work.allowed_actions.get_action("record_panel"))
        if not state.enabled:
            return state
        if row is None:
            return ButtonState(False, NO_ITEM)
        if not row.needs_panel:
            return ButtonState(False, NOT_PANEL)
        return state
