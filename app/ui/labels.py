"""The interface's names for stored values (statuses, roles, kinds), translated when asked: one
place for the tables the task, scheme and settings screens show (their translation contexts stay
those of the screens, ``TaskLabels`` and ``SettingsLabels``)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


# ------------------------------------------------------------------------- tasks and schemes
def authority_labels() -> dict[str, str]:
    return {
        "national": QCoreApplication.translate("TaskLabels", "National"),
        "provincial": QCoreApplication.translate("TaskLabels", "Provincial"),
        "municipal": QCoreApplication.translate("TaskLabels", "Municipal (prefecture)"),
        "county": QCoreApplication.translate("TaskLabels", "County"),
    }


def task_status_labels() -> dict[str, str]:
    return {
        "draft": QCoreApplication.translate("TaskLabels", "Draft"),
        "active": QCoreApplication.translate("TaskLabels", "In progress"),
        "completed": QCoreApplication.translate("TaskLabels", "Task finished"),
        "closed": QCoreApplication.translate("TaskLabels", "Closed"),
    }


def scheme_status_labels() -> dict[str, str]:
    return {
        "draft": QCoreApplication.translate("TaskLabels", "Draft"),
        "submitted": QCoreApplication.translate("TaskLabels", "Submitted for review"),
        "reviewed": QCoreApplication.translate("TaskLabels", "Passed internal review"),
        "returned": QCoreApplication.translate("TaskLabels", "Returned for changes"),
        "confirmed": QCoreApplication.translate("TaskLabels", "Confirmed by the issuing authority"),
        "superseded": QCoreApplication.translate("TaskLabels", "Superseded by a revision"),
    }


def scheme_event_labels() -> dict[str, str]:
    return {
        "drafted": QCoreApplication.translate("TaskLabels", "Drafting"),
        "submitted": QCoreApplication.translate("TaskLabels", "Submission for review"),
        "returned": QCoreApplication.translate("TaskLabels", "Return for changes"),
        "reviewed": QCoreApplication.translate("TaskLabels", "Internal review passed"),
        "confirmed": QCoreApplication.translate("TaskLabels", "Confirmation by the issuing authority"),
        "revised": QCoreApplication.translate("TaskLabels", "Revision"),
        "superseded": QCoreApplication.translate("TaskLabels", "Replaced by the next version"),
    }


def revision_text(revision: int) -> str:
    return QCoreApplication.translate("TaskLabels", "Version %1").replace("%1", str(revision))


def standard_role_labels() -> dict[str, str]:
    return {
        "similar": QCoreApplication.translate("TaskLabels", "Same or similar product standard"),
        "mandatory": QCoreApplication.translate("TaskLabels", "Mandatory standard"),
    }


def severity_labels() -> dict[int, str]:
    return {
        1: QCoreApplication.translate("TaskLabels", "1 — first aid, reversible"),
        2: QCoreApplication.translate("TaskLabels", "2 — medical treatment, recovery within about 6 months"),
        3: QCoreApplication.translate("TaskLabels", "3 — hospitalisation or lasting loss of function"),
        4: QCoreApplication.translate("TaskLabels", "4 — fatal or could be, or over 10% permanent disability"),
    }


def urgency_labels() -> dict[str, str]:
    return {
        "normal": QCoreApplication.translate("TaskLabels", "Normal"),
        "urgent": QCoreApplication.translate("TaskLabels", "Urgent (injuries or incidents reported, or hazard rising)"),
    }


def scope_labels() -> dict[str, str]:
    return {
        "single": QCoreApplication.translate("TaskLabels", "Single enterprise or batch"),
        "regional": QCoreApplication.translate("TaskLabels", "Regional"),
        "industry": QCoreApplication.translate("TaskLabels", "Industry-wide or systemic"),
    }


def duration_labels() -> dict[str, str]:
    return {
        "new": QCoreApplication.translate("TaskLabels", "New (first found)"),
        "persistent": QCoreApplication.translate("TaskLabels", "Persistent (found again in a later round)"),
    }


# ------------------------------------------------------------------------- settings
def role_labels() -> dict[str, str]:
    return {
        "technician": QCoreApplication.translate("SettingsLabels", "Technician"),
        "reviewer": QCoreApplication.translate("SettingsLabels", "Reviewer"),
        "signatory": QCoreApplication.translate("SettingsLabels", "Authorised signatory"),
        "administrator": QCoreApplication.translate("SettingsLabels", "Administrator"),
    }


def day_kind_labels() -> dict[str, str]:
    return {
        "holiday": QCoreApplication.translate("SettingsLabels", "Holiday"),
        "workday": QCoreApplication.translate("SettingsLabels", "Adjusted working day"),
    }


def day_source_labels() -> dict[str, str]:
    return {
        "override": QCoreApplication.translate("SettingsLabels", "Entered by the lab"),
        "official": QCoreApplication.translate("SettingsLabels", "State Council notice (shipped)"),
        "statutory": QCoreApplication.translate("SettingsLabels", "Statutory holidays (provisional)"),
        "statutory_complete": QCoreApplication.translate("SettingsLabels", "Statutory holiday (notice complete)"),
    }


def year_state_labels() -> dict[str, str]:
    """What is known of a year's holiday notice (spec/RULES.md §1)."""
    return {
        "official": QCoreApplication.translate("SettingsLabels", "Official"),
        "complete": QCoreApplication.translate("SettingsLabels", "Entered (complete)"),
        "partial": QCoreApplication.translate("SettingsLabels", "Entered (incomplete, provisional)"),
        "presumed": QCoreApplication.translate("SettingsLabels", "Presumed (provisional)"),
    }


def weekday_names() -> list[str]:
    return [
        QCoreApplication.translate("SettingsLabels", "Monday"),
        QCoreApplication.translate("SettingsLabels", "Tuesday"),
        QCoreApplication.translate("SettingsLabels", "Wednesday"),
        QCoreApplication.translate("SettingsLabels", "Thursday"),
        QCoreApplication.translate("SettingsLabels", "Friday"),
        QCoreApplication.translate("SettingsLabels", "Saturday"),
        QCoreApplication.translate("SettingsLabels", "Sunday"),
    ]
