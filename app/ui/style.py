"""The GUI's one palette and its few style sheets.

Every colour a window, dialog or table shows is named here once, by what it means (an error, a
warning, a deadline light, a row's state), and every style sheet is built from these names; the
rest of ``app/ui/`` uses the names, never a colour code (``tests/ui/test_style.py`` checks). The
documents layer keeps its own small palette for reportlab: it cannot import the GUI.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor

# ---------------------------------------------------------------------------------- text colours
ERROR = "#b00020"  # something to fix: a refused action, a failed check
WARNING = "#8a4b00"  # to look at: not saved, not remembered, retrying
OK = "#2e7d32"  # verified: the audit chain intact, a signature authentic
DONE = "#1b6e20"  # it worked: saved, accepted, in order
MUTED = "#555"  # notes and hints under a form or a table
INACTIVE = "#666666"  # rows of what no longer applies (a retired key)
SUPERSEDED = "#808080"  # an item replaced by a later one
HAZARD_TEXT = "#8a5a00"  # a major hazard's clock before its limit
URGENT = "#c62828"  # days past a deadline; a major hazard's banner
RISING = "#c0392b"  # a rate above its threshold, a trend that qualifies
KEY_RISK = "#8b0000"  # a key-risk candidate named in a summary
DIMMED = "#777777"  # a value shown for reference only (a judgement not yet made, a grey level)

# ------------------------------------------------------------------ backgrounds: states and lights
PASS = "#d5f0d5"  # 符合; accepted; chosen; a deadline well ahead (green light)
FAIL = "#f8d0d0"  # 不符合; needs a person; overdue (red light)
PENDING = "#ffe2b8"  # retrying; replaced; due soon (amber light)
NEUTRAL = "#eeeeee"  # set aside: superseded, rejected
CANCELLED = "#e6e6e6"
SENDING = "#d8e8f8"
DELIVERED_BY_HAND = "#dcefe0"
REPORTED = "#e3ecf7"  # reported on time: the clock stopped
PROBLEM_ROW = "#fde7e7"  # a sample with problems found
NOTE = "#fff4d6"  # a note box …
NOTE_BORDER = "#e0b040"  # … and its border
FIELD_ERROR_BORDER = URGENT  # a field that must be corrected …
FIELD_ERROR_BACKGROUND = "#fff3f3"  # … and its background
PREVIEW_BORDER = "#bbb"
NAVIGATION = "#1f3a5f"  # the main window's page list …
NAVIGATION_SELECTED = "#2f5d8a"  # … and its selected page
INFO = "#e6f1fb"  # a message bar's notice …
INFO_BORDER = "#5b8fc7"  # … and its border
HAZARD_DISABLED = "#e7b3b3"  # the major-hazard button while it may not be pressed
CONFIRMED = "#e3f2e1"  # a scheme confirmed
REPORTED_BORDER = "#8fb0d8"  # the border of a report's state box: compiled, reviewed …
PASS_BORDER = "#7fbf7f"  # … approved …
BLANK = "#f2f2f2"  # … none yet
BLANK_BORDER = "#cccccc"
BADGE_BORDER = "#999"  # a warning level not assessed yet
WHITE = "#ffffff"
BLACK = "#000000"

# ---------------------------------------------------------------- the statutory-holiday calendar
YEAR_OFFICIAL = "#e3f4e3"  # a year's calendar as the State Council published it
YEAR_COMPLETE = "#e0f0fd"
YEAR_PARTIAL = "#fdebd0"
YEAR_PRESUMED = "#f3f3f3"
HOLIDAY = "#fde0e0"  # a day off …
WORKDAY = "#e0f0fd"  # … a weekend made a working day

# ------------------------------------------------------------- warning levels (Article 19), colours
LEVEL_RED = URGENT
LEVEL_ORANGE = "#ef6c00"
LEVEL_YELLOW = "#fbc02d"
LEVEL_BLUE = "#1565c0"

# ----------------------------------------------------------------------------------- rate charts
CHART_LINE = "#4e79a7"
CHART_INTERVAL = "#7f9cc0"
CHART_GRID = "#e3e3e3"
CHART_AXIS = "#555555"
CHART_HISTORY = "#9e9e9e"
CHART_TEXT = "#333"

#: the deadline lights (Article 18 ¶1) of the dashboard and the work list, by clock state
DEADLINE_LIGHTS = {"overdue": FAIL, "due_soon": PENDING, "ok": PASS, "reported": REPORTED}
#: background and text colour of each warning level colour (Article 19); an unknown one is grey
LEVELS = {"red": (LEVEL_RED, WHITE), "orange": (LEVEL_ORANGE, WHITE), "yellow": (LEVEL_YELLOW, BLACK),
          "blue": (LEVEL_BLUE, WHITE)}
LEVEL_UNKNOWN = (DIMMED, WHITE)


def colour(name: str) -> QColor:
    """A palette colour as a ``QColor``."""
    return QColor(name)


def brush(name: str) -> QBrush:
    """A palette colour as a ``QBrush`` (table cells' backgrounds and foregrounds)."""
    return QBrush(QColor(name))


# ---------------------------------------------------------------------------------- style sheets
ERROR_TEXT = f"color: {ERROR};"  # a message saying what went wrong
ERROR_TEXT_STRONG = f"color: {ERROR}; font-weight: bold;"
WARNING_TEXT = f"color: {WARNING};"  # a message saying what to look at
OK_TEXT_STRONG = f"color: {OK}; font-weight: bold;"
MUTED_TEXT = f"color: {MUTED};"  # notes and hints
INACTIVE_TEXT = f"color: {INACTIVE};"  # a placeholder where nothing is shown
DIMMED_TEXT = f"color: {DIMMED};"
WARNING_TEXT_STRONG = f"color: {WARNING}; font-weight: bold;"
FIELD_ERROR = f"border: 1px solid {FIELD_ERROR_BORDER}; background: {FIELD_ERROR_BACKGROUND};"  # a field to correct
NOTE_BOX = f"background: {NOTE}; border: 1px solid {NOTE_BORDER}; padding: 4px;"
PREVIEW_BOX = f"background: white; border: 1px solid {PREVIEW_BORDER};"
DONE_TEXT = f"color: {DONE};"  # a message saying it worked
DONE_TEXT_STRONG = f"color: {DONE}; font-weight: bold;"
BOLD = "font-weight: bold;"
PAGE_TITLE = "font-size: 16pt; font-weight: bold;"  # a page's heading
SECTION_TITLE = "font-size: 12pt; font-weight: bold;"
BIG_NUMBER = "font-size: 22pt; font-weight: bold;"  # a dashboard card's number
BIG_NUMBER_URGENT = f"{BIG_NUMBER} color: {ERROR};"
LEFT_ALIGNED = "text-align: left;"
EMPTY_LIST = f"color: {MUTED}; font-size: 12pt; padding: 24px;"  # what an empty list says instead
#: a button that reports a major hazard (Article 18: at once)
HAZARD_BUTTON = f"QPushButton {{ background: {URGENT}; color: white; font-weight: bold; padding: 4px 10px; }}"
HAZARD_BUTTON_DIMMABLE = HAZARD_BUTTON + f"QPushButton:disabled {{ background: {HAZARD_DISABLED}; }}"
#: a major hazard's banner over a sample
HAZARD_BANNER = f"background: {URGENT}; color: white; font-weight: bold; padding: 4px 10px;"
#: the testing page's message bar: an error, a notice
MESSAGE_BARS = {
    "error": f"QFrame#message {{ background: {PROBLEM_ROW}; border: 1px solid {URGENT}; }}",
    "info": f"QFrame#message {{ background: {INFO}; border: 1px solid {INFO_BORDER}; }}",
}
#: a warning level not assessed yet
LEVEL_BADGE_EMPTY = f"font-size: 14pt; border: 1px solid {BADGE_BORDER}; border-radius: 6px;"
#: the main window's page list
NAVIGATION_LIST = (
    f"QListWidget {{ background: {NAVIGATION}; color: white; border: none; font-size: 11pt; }}"
    "QListWidget::item { padding: 10px 12px; }"
    f"QListWidget::item:selected {{ background: {NAVIGATION_SELECTED}; }}"
)


def verdict(colour: str) -> str:
    """A verdict in large letters, framed in its colour (authentic or not)."""
    return f"font-size: 26pt; font-weight: bold; color: {colour}; border: 2px solid {colour}; padding: 8px;"


def tinted(background: str, padding: str = "4px") -> str:
    """A label on a coloured background (a deadline light, a calendar year's state)."""
    return f"background: {background}; padding: {padding};"


def boxed(background: str, border: str, padding: str = "6px") -> str:
    """A framed box in a state's colours (a report's state)."""
    return f"background: {background}; border: 1px solid {border}; padding: {padding};"


def badge(background: str, colour: str) -> str:
    """A judgement as a small coloured badge beside the value typed."""
    return f"background: {background}; color: {colour}; font-weight: bold; padding: 2px 8px;"


def level_badge(background: str, colour: str) -> str:
    """A warning level in large letters on its colour."""
    return f"background: {background}; color: {colour}; font-size: 18pt; font-weight: bold; border-radius: 6px; padding: 6px;"


def span(text: str, colour: str) -> str:
    """``text`` (already escaped) in ``colour``, for rich-text labels."""
    return f"<span style='color:{colour}'>{text}</span>"
TITLE = "font-size: 13pt; font-weight: bold;"  # a dialog's heading
LOGIN_TITLE = "font-size: 15pt; font-weight: bold;"
