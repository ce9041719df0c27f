"""风险研判 (Articles 12, 13): a product category's problem rates by round — as a whole and per
test item, with Wilson intervals and the trend test in words — regions and place types against
the rest, and the key-risk candidates they suggest, each confirmed by a person into the register.
Earlier rounds can be imported from Excel (往期监测数据)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.services import intelligence as intel
from app.services import permissions
from app.services.context import Context
from app.ui import style, widgets
from app.ui.application import settings
from app.ui.dialogs.task_dialogs import alive
from app.ui.ops import bus, run_op
from app.ui.pages.tasks import fill_table, make_table, selected_id
from app.ui.rate_chart import Point, RateChart

ABOVE = style.colour(style.RISING)


def _points(series: intel.Series) -> list[Point]:
    out = []
    for r in series.rounds:
        interval = r.interval
        out.append(Point(r.label, r.tested, r.problems, r.rate, interval[0] if interval else None,
                         interval[1] if interval else None, imported=r.source == "history"))
    return out


def _cell(r: intel.RoundRate) -> str:
    return f"{r.problems}/{r.tested}  {intel.percent(r.rate)}" if r.tested else intel.percent(None)


def _interval(interval: tuple[float, float] | None) -> str:
    if interval is None:
        return intel.percent(None)
    return f"{interval[0] * 100:.1f}%–{interval[1] * 100:.1f}%"


def _q(q: float | None) -> str:
    if q is None:
        return intel.percent(None)
    return "<0.001" if q < 0.001 else f"{q:.3f}"


def can_record(ctx: Context) -> bool:
    """Whether the user keeps the register (app.services.permissions.risk_actions, as the service)."""
    return permissions.risk_actions(ctx.user).allowed("record")


class IntelligenceView(QWidget):
    """Choose a category; see its rounds, items, regions and place types; confirm candidates."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intelligence")
        self.ctx = ctx
        self.result: intel.Intelligence | None = None
        self.loaded = 0
        self._generation = 0
        self._started = False
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Product category")))
        self.category = QComboBox()
        self.category.setObjectName("category")
        self.category.setMinimumWidth(180)
        self.category.currentIndexChanged.connect(self._category_changed)
        bar.addWidget(self.category)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refresh")
        self.refresh_button.clicked.connect(self.reload)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        self.import_button = QPushButton(self.tr("Import earlier rounds…"))
        self.import_button.setObjectName("import_history")
        self.import_button.setToolTip(self.tr("Import earlier rounds' counts (category, year, item, region, tested, "
                                              "problems) from the Excel template; a file with any bad row is not "
                                              "imported at all"))
        self.import_button.clicked.connect(lambda: self.import_history())
        self.template_button = QPushButton(self.tr("Excel template…"))
        self.template_button.setObjectName("history_template")
        self.template_button.clicked.connect(lambda: self.write_template())
        bar.addWidget(self.import_button)
        bar.addWidget(self.template_button)
        layout.addLayout(bar)

        self.rules = QLabel(self.tr(
            "Offered as key risk candidates: a rising trend (Cochran–Armitage, one-sided, α = %1) with at least "
            "%2 rounds tested and %3 samples in all — Article 12 (1); a region, place type or enterprise size whose rate is "
            "significantly above the rest (Fisher exact with Benjamini–Hochberg, q < %1) with at least %4 "
            "problems — Article 12 (2). A person confirms each one into the register.")
            .replace("%1", f"{intel.ALPHA:g}").replace("%2", str(intel.MIN_ROUNDS))
            .replace("%3", str(intel.MIN_SAMPLES)).replace("%4", str(intel.MIN_PROBLEMS)))
        self.rules.setObjectName("thresholds")
        self.rules.setWordWrap(True)
        self.rules.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(self.rules)

        split = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(split, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.chart = RateChart()
        left_layout.addWidget(self.chart, 3)
        self.trend = QLabel()
        self.trend.setObjectName("trend_text")
        self.trend.setWordWrap(True)
        left_layout.addWidget(self.trend)
        self.items = make_table([self.tr("Test item"), self.tr("Trend")], "intel/items", widths=[150, 300])
        self.items.itemSelectionChanged.connect(self._item_selected)
        left_layout.addWidget(self.items, 2)
        split.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(self.tr("Key risk candidates"))
        box_layout = QVBoxLayout(box)
        self.candidates = QListWidget()
        self.candidates.setObjectName("candidates")
        self.candidates.setWordWrap(True)
        self.candidates.itemSelectionChanged.connect(self._candidate_selected)
        box_layout.addWidget(self.candidates)
        row = QHBoxLayout()
        self.confirm_button = QPushButton(self.tr("Confirm as key risk information…"))
        self.confirm_button.setObjectName("confirm_candidate")
        self.confirm_button.clicked.connect(lambda: self.confirm_candidate())
        row.addWidget(self.confirm_button)
        row.addStretch(1)
        box_layout.addLayout(row)
        right_layout.addWidget(box, 3)
        columns = [self.tr("Group"), self.tr("Tested"), self.tr("Problems"), self.tr("Rate"),
                   self.tr("95% interval"), self.tr("Rest"), self.tr("q"), self.tr("Above the rest")]
        widths = [84, 58, 40, 62, 118, 66, 56, 56]  # all eight fit beside the chart at 1280
        self.regions_title = QLabel()
        self.regions_title.setObjectName("regions_title")
        right_layout.addWidget(self.regions_title)
        self.regions = make_table(columns, "intel/regions", widths=widths)
        right_layout.addWidget(self.regions, 3)
        self.places_title = QLabel()
        self.places_title.setObjectName("places_title")
        right_layout.addWidget(self.places_title)
        self.places = make_table(columns, "intel/places", widths=widths)
        right_layout.addWidget(self.places, 2)
        self.sizes_title = QLabel()
        self.sizes_title.setObjectName("sizes_title")
        right_layout.addWidget(self.sizes_title)
        self.sizes = make_table(columns, "intel/sizes", widths=widths)
        right_layout.addWidget(self.sizes, 2)
        self.notes = QLabel()
        self.notes.setObjectName("notes")
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet(style.MUTED_TEXT)
        right_layout.addWidget(self.notes)
        split.addWidget(right)
        split.setSizes([560, 640])

        self.import_button.setVisible(can_record(ctx))
        self.confirm_button.setVisible(can_record(ctx))
        self._candidate_selected()
        bus.changed.connect(self._changed)

    # -- loading
    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        if not self._started:
            self.start()

    def start(self) -> None:
        """Load the categories (then the chosen one's analysis)."""
        self._started = True
        run_op(intel.categories, self.ctx, on_done=self._categories,
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def _categories(self, names: list[str]) -> None:
        if not alive(self):
            return
        wanted = self.category.currentText() or str(settings().value("intel/category", "") or "")
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItems(names)
        index = self.category.findText(wanted)
        self.category.setCurrentIndex(index if index >= 0 else (0 if names else -1))
        self.category.blockSignals(False)
        if names:
            self.reload()
        else:
            self._show(self._generation, None)

    def _category_changed(self, _index: int) -> None:
        settings().setValue("intel/category", self.category.currentText())
        self.reload()

    def reload(self) -> None:
        name = self.category.currentText()
        if not name:
            return
        self._generation += 1
        generation = self._generation
        run_op(intel.analyse, self.ctx, name, on_done=lambda r: self._show(generation, r),
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def _changed(self, kinds) -> None:
        if alive(self) and self._started and {"risk", "sample", "report", "history"} & set(kinds or ()):
            self.start()

    # -- showing
    def _show(self, generation: int, result: intel.Intelligence | None) -> None:
        if not alive(self) or generation != self._generation:
            return
        self.result = result
        keep = selected_id(self.items)
        if result is None:
            self.chart.set_series("", [], empty_text=self.tr("No monitoring task or imported round has a product "
                                                             "category yet."))
            fill_table(self.items, [])
            fill_table(self.regions, [])
            fill_table(self.places, [])
            fill_table(self.sizes, [])
            self.candidates.clear()
            self.trend.clear()
            self.notes.clear()
            self.loaded += 1
            return
        years = [str(y) for y in result.years]
        self.items.setColumnCount(2 + len(years))
        self.items.setHorizontalHeaderLabels([self.tr("Test item"), *years, self.tr("Trend")])
        rows = []
        for series in (result.overall, *result.items):
            name = series.item or self.tr("All items (batches)")
            rows.append((series.item, [name, *(_cell(r) for r in series.rounds), series.trend.text]))
        fill_table(self.items, rows, keep if keep is not None else "")
        self.items.setColumnWidth(0, 120)
        for c in range(1, 1 + len(years)):
            self.items.setColumnWidth(c, 112)
        for r, series in enumerate((result.overall, *result.items)):
            if series.trend.qualifies:
                for c in range(self.items.columnCount()):
                    self.items.item(r, c).setForeground(ABOVE)
        self._groups(self.regions, result.regions)
        self._groups(self.places, result.places)
        self._groups(self.sizes, result.sizes)
        span = f"{result.regions.years[0]}–{result.regions.years[-1]}" if result.regions.years else ""
        self.regions_title.setText(self.tr("Regions (the sampled party's city), rounds %1 pooled").replace("%1", span)
                                   if span else self.tr("Regions (the sampled party's city)"))
        self.places_title.setText(self.tr("Place types (samples recorded in this system)"))
        self.sizes_title.setText(self.tr("Enterprise sizes of the sampled parties (samples recorded in this system)"))
        self.candidates.clear()
        for c in result.candidates:
            text = f"{c.clause}　{c.title}"
            if c.registered:
                text += "　" + self.tr("(already in the register)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, c.key)
            item.setToolTip(c.description)
            if not c.registered:
                item.setForeground(ABOVE)
            self.candidates.addItem(item)
        if not result.candidates:
            empty = QListWidgetItem(self.tr("No finding reaches the thresholds."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.candidates.addItem(empty)
        self.notes.setText("\n".join(result.notes))
        self._item_selected()
        self._candidate_selected()
        self.loaded += 1

    def _groups(self, table, groups: intel.Groups) -> None:
        rows = []
        for g in groups.groups:
            rows.append((g.label, [
                g.label, str(g.tested), str(g.problems), intel.percent(g.rate), _interval(g.interval),
                intel.percent(g.rest_rate), _q(g.q),
                self.tr("Yes") if g.above else "",
            ]))
        fill_table(table, rows)
        for r, g in enumerate(groups.groups):
            if g.above:
                for c in range(table.columnCount()):
                    table.item(r, c).setForeground(ABOVE)
        if not groups.enough_data:
            table.setToolTip(self.tr("Fewer than two groups have samples: no comparison."))
        else:
            table.setToolTip("")

    def series(self, item: str) -> intel.Series | None:
        if self.result is None:
            return None
        if not item:
            return self.result.overall
        return next((s for s in self.result.items if s.item == item), None)

    def _item_selected(self) -> None:
        item = selected_id(self.items)
        series = self.series(item or "")
        if series is None or self.result is None:
            return
        name = series.item or self.tr("All items")
        title = self.tr("%1 — %2: problem rate by round (95% Wilson interval)").replace("%1", self.result.category) \
            .replace("%2", name)
        self.chart.set_series(title, _points(series), series.trend.rising)
        colour = style.RISING if series.trend.qualifies else style.CHART_TEXT
        self.trend.setText(f"<span style='color:{colour}'><b>{escape(name)}</b>：{escape(series.trend.text)}</span>")

    # -- candidates
    def current_candidate(self) -> intel.Candidate | None:
        items = self.candidates.selectedItems()
        if not items or self.result is None:
            return None
        key = items[0].data(Qt.ItemDataRole.UserRole)
        return next((c for c in self.result.candidates if c.key == key), None)

    def select_candidate(self, key: str) -> bool:
        for i in range(self.candidates.count()):
            if self.candidates.item(i).data(Qt.ItemDataRole.UserRole) == key:
                self.candidates.setCurrentRow(i)
                return True
        return False

    def _candidate_selected(self) -> None:
        c = self.current_candidate()
        self.confirm_button.setEnabled(c is not None and not c.registered)

    def confirm(self, title: str, text: str) -> bool:
        return widgets.confirm(self, title, text)

    def confirm_candidate(self) -> None:
        c = self.current_candidate()
        if c is None or c.registered or not can_record(self.ctx):
            return
        text = (self.tr("Record this finding in the risk register as key risk information?") + "\n\n"
                + f"{c.title}\n{c.clause}：{c.reason_label}\n\n{c.description}")
        if not self.confirm(self.tr("Confirm key risk information"), text):
            return
        run_op(intel.confirm_candidate, self.ctx, c,
               on_done=lambda _info: bus.changed.emit({"risk"}),
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    # -- history
    def ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import earlier rounds"),
                                              str(settings().value("intel/last_dir", "") or ""),
                                              self.tr("Excel workbooks (*.xlsx)"))
        return path

    def ask_save_path(self) -> str:
        start = Path(str(settings().value("intel/last_dir", "") or "")) / "往期监测数据导入模板.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the Excel template"), str(start),
                                              self.tr("Excel workbooks (*.xlsx)"))
        return path

    def show_message(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    def import_history(self, path: str | Path | None = None) -> None:
        path = path or self.ask_open_path()
        if not path:
            return
        settings().setValue("intel/last_dir", str(Path(path).parent))

        def done(result: intel.HistoryImport) -> None:
            bus.changed.emit({"history"})
            if alive(self):
                self.show_message(self.tr("Earlier rounds imported"), self.tr(
                    "%1 rows imported: %2, years %3.").replace("%1", str(result.rows))
                    .replace("%2", "、".join(result.categories)).replace("%3", "、".join(map(str, result.years))))

        run_op(intel.import_history, self.ctx, Path(path), on_done=done,
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc, self.tr("Nothing was imported")))

    def write_template(self, path: str | Path | None = None) -> None:
        path = path or self.ask_save_path()
        if not path:
            return
        settings().setValue("intel/last_dir", str(Path(path).parent))
        run_op(intel.history_template, Path(path),
               on_done=lambda p: alive(self) and self.show_message(
                   self.tr("Template saved"), self.tr("The Excel template was saved to %1.").replace("%1", str(p))),
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))
