"""风险信息: the register of risk information the lab collects (Articles 10–12), with the month's
figures as the monthly report (月报, Article 11) will give them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime, QTimer, QUrl
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.services import permissions
from app.services import risk as risk_service
from app.services.context import Context
from app.ui import style, widgets
from app.ui.application import settings
from app.ui.dialogs.task_dialogs import alive, fill_combo
from app.ui.ops import bus, run_op
from app.ui.pages.risk_intel import IntelligenceView
from app.ui.pages.tasks import (
    add_shortcut,
    date_text,
    fill_table,
    make_table,
    restore_splitter,
    select_id,
    selected_id,
)
from app.ui.widgets import FieldErrors, error_label


def source_labels() -> dict[int, str]:
    """The nine sources of Article 10."""
    return {
        1: QCoreApplication.translate("RiskLabels", "(1) Reported by producers or sellers"),
        2: QCoreApplication.translate("RiskLabels", "(2) Consumer complaints and reports"),
        3: QCoreApplication.translate("RiskLabels", "(3) Found in routine market supervision"),
        4: QCoreApplication.translate("RiskLabels", "(4) Notified by government departments, organisations or units"),
        5: QCoreApplication.translate("RiskLabels", "(5) Found by technical institutions"),
        6: QCoreApplication.translate("RiskLabels", "(6) Product injury information"),
        7: QCoreApplication.translate("RiskLabels", "(7) Recalls and warnings published by organisations, "
                                                    "departments or enterprises"),
        8: QCoreApplication.translate("RiskLabels", "(8) Internet and media reports"),
        9: QCoreApplication.translate("RiskLabels", "(9) Other channels"),
    }


def key_reason_labels() -> dict[int, str]:
    """The items of Article 12 (counted 1–7: the published text numbers two items (三))."""
    return {
        1: QCoreApplication.translate("RiskLabels", "Health or safety of persons or property, with serious harm, "
                                                    "high or rising risk"),
        2: QCoreApplication.translate("RiskLabels", "Industry-wide, regional or systemic quality problems"),
        3: QCoreApplication.translate("RiskLabels", "May lead to a major product quality safety accident"),
        4: QCoreApplication.translate("RiskLabels", "High concern of consumers and the public"),
        5: QCoreApplication.translate("RiskLabels", "Deployed by the local Party committee or government, or needed "
                                                    "for an emergency"),
        6: QCoreApplication.translate("RiskLabels", "Notified by administrative departments as a major quality "
                                                    "safety problem"),
        7: QCoreApplication.translate("RiskLabels", "Other information to be included"),
    }


def status_labels() -> dict[str, str]:
    return {
        "open": QCoreApplication.translate("RiskLabels", "Not handled yet"),
        "assessing": QCoreApplication.translate("RiskLabels", "Being assessed"),
        "reported": QCoreApplication.translate("RiskLabels", "Reported"),
        "closed": QCoreApplication.translate("RiskLabels", "Closed"),
    }


def can_record(ctx: Context) -> bool:
    """Whether the user keeps the register (app.services.permissions.risk_actions, as the service)."""
    return permissions.risk_actions(ctx.user).allowed("record")


# ----------------------------------------------------------------------------------- dialog
class RiskInfoDialog(widgets.SavingDialog):
    """One entry of the register: when and from which source (Article 10), what, whether it is key
    risk information and for which items of Article 12, and the samples it concerns."""

    def __init__(self, ctx: Context, info: risk_service.RiskInfo | None = None, parent: QWidget | None = None,
                 *, read_only: bool = False) -> None:
        super().__init__(ctx, parent)
        self.info = info
        self.read_only = read_only
        if read_only:
            self.setWindowTitle(self.tr("Risk information (read only)"))
        else:
            self.setWindowTitle(self.tr("Edit risk information") if info else self.tr("New risk information"))
        self.resize(760, 700)
        data = info.data if info else risk_service.RiskInfoInput(received_date=clock.today())
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.received = QDateEdit()
        self.received.setObjectName("received_date")
        self.received.setCalendarPopup(True)
        self.received.setDisplayFormat("yyyy-MM-dd")
        self.received.setDate(QDate(data.received_date or clock.today()))
        self.source = QComboBox()
        self.source.setObjectName("source")
        self.source.addItem(self.tr("— choose the source —"), None)
        for key, text in source_labels().items():
            self.source.addItem(text, key)
        self.source.setCurrentIndex(max(self.source.findData(data.source), 0) if data.source else 0)
        self.title = QLineEdit(data.title)
        self.title.setObjectName("title")
        self.product = QLineEdit(data.product)
        self.product.setObjectName("product")
        self.region = QLineEdit(data.region)
        self.region.setObjectName("region")
        self.description = QPlainTextEdit(data.description)
        self.description.setObjectName("description")
        self.description.setFixedHeight(90)
        self.status = QComboBox()
        self.status.setObjectName("status")
        fill_combo(self.status, status_labels(), data.status)
        form.addRow(self.tr("Received on *"), self.received)
        form.addRow(self.tr("Source (Article 10) *"), self.source)
        form.addRow(self.tr("Title *"), self.title)
        form.addRow(self.tr("Product"), self.product)
        form.addRow(self.tr("Region"), self.region)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Status"), self.status)
        layout.addLayout(form)

        self.key_box = QGroupBox(self.tr("Key risk information (Article 12)"))
        self.key_box.setObjectName("key_reasons")
        self.key_box.setCheckable(True)
        self.key_box.setChecked(data.key_risk)
        grid = QVBoxLayout(self.key_box)
        self.reasons: dict[int, QCheckBox] = {}
        for key, text in key_reason_labels().items():
            box = QCheckBox(text)
            box.setObjectName(f"reason_{key}")
            box.setChecked(key in data.key_reasons)
            grid.addWidget(box)
            self.reasons[key] = box
        # 即时报送 (Article 11): major information reported at once — when, to whom, how
        self.immediate = QGroupBox(self.tr("Reported at once (Article 11)"))
        self.immediate.setObjectName("immediate")
        self.immediate.setCheckable(True)
        self.immediate.setChecked(data.reported_at is not None)
        im = QFormLayout(self.immediate)
        self.reported_at = QDateTimeEdit()
        self.reported_at.setObjectName("reported_at")
        self.reported_at.setCalendarPopup(True)
        self.reported_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        when = clock.local(data.reported_at) if data.reported_at else clock.now()
        self.reported_at.setDateTime(QDateTime(QDate(when.date()), QTime(when.hour, when.minute)))
        self.reported_to = QLineEdit(data.reported_to)
        self.reported_to.setObjectName("reported_to")
        self.reported_to.setPlaceholderText(self.tr("The department that received it"))
        self.report_method = QComboBox()
        self.report_method.setObjectName("report_method")
        self.report_method.addItem(self.tr("— choose how —"), "")
        for key, text in risk_service.IMMEDIATE_METHOD_LABELS.items():
            self.report_method.addItem(text, key)
        self.report_method.setCurrentIndex(max(self.report_method.findData(data.report_method), 0))
        im.addRow(self.tr("When (lab time)"), self.reported_at)
        im.addRow(self.tr("To whom"), self.reported_to)
        im.addRow(self.tr("How"), self.report_method)
        grid.addWidget(self.immediate)
        layout.addWidget(self.key_box)

        samples_box = QGroupBox(self.tr("Linked samples"))
        sl = QGridLayout(samples_box)
        self.samples = QListWidget()
        self.samples.setObjectName("samples")
        self.samples.setMaximumHeight(90)
        for number in data.sample_numbers:
            self.samples.addItem(number)
        self.sample_number = QLineEdit()
        self.sample_number.setObjectName("sample_number")
        self.sample_number.setPlaceholderText(self.tr("Sample number"))
        self.sample_number.returnPressed.connect(self._add_typed)
        self.completer = QCompleter([], self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.sample_number.setCompleter(self.completer)
        self.add_button = QPushButton(self.tr("Link"))
        self.add_button.clicked.connect(self._add_typed)
        self.remove_button = QPushButton(self.tr("Unlink"))
        self.remove_button.clicked.connect(self._remove_selected)
        sl.addWidget(self.samples, 0, 0, 3, 1)
        sl.addWidget(self.sample_number, 0, 1)
        sl.addWidget(self.add_button, 1, 1)
        sl.addWidget(self.remove_button, 2, 1)
        sl.setColumnStretch(0, 2)
        sl.setColumnStretch(1, 1)
        layout.addWidget(samples_box)

        self.error_text = error_label()
        layout.addWidget(self.error_text)
        self.errors = FieldErrors(
            {"received_date": self.received, "source": self.source, "title": self.title, "product": self.product,
             "region": self.region, "description": self.description, "key_reasons": self.key_box,
             "status": self.status, "samples": self.samples, "reported_at": self.reported_at,
             "reported_to": self.reported_to, "report_method": self.report_method},
            self.error_text,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close") if read_only else self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if read_only:
            self.save_button.setVisible(False)
            for w in (self.received, self.source, self.status, self.key_box, self.add_button, self.remove_button,
                      self.sample_number, self.immediate):
                w.setEnabled(False)
            for w in (self.title, self.product, self.region):
                w.setReadOnly(True)
            self.description.setReadOnly(True)
        else:
            run_op(risk_service.sample_choices, ctx, "", 500, on_done=self._choices, on_error=lambda _e: None)
        self.title.setFocus()

    def _choices(self, found: list[risk_service.LinkedSample]) -> None:
        if alive(self):
            self.completer.model().setStringList([s.number for s in found])

    def add_sample(self, number: str) -> None:
        number = number.strip()
        if number and not self.samples.findItems(number, Qt.MatchFlag.MatchExactly):
            self.samples.addItem(number)

    def _add_typed(self) -> None:
        self.add_sample(self.sample_number.text())
        self.sample_number.clear()

    def _remove_selected(self) -> None:
        for item in self.samples.selectedItems():
            self.samples.takeItem(self.samples.row(item))

    def data(self) -> risk_service.RiskInfoInput:
        key = self.key_box.isChecked()
        return risk_service.RiskInfoInput(
            received_date=self.received.date().toPython(),
            source=self.source.currentData(),
            title=self.title.text(),
            description=self.description.toPlainText(),
            product=self.product.text(),
            region=self.region.text(),
            key_risk=key,
            key_reasons=tuple(k for k, box in self.reasons.items() if box.isChecked()) if key else (),
            status=self.status.currentData(),
            sample_numbers=tuple(self.samples.item(i).text() for i in range(self.samples.count())),
            **self._immediate(key),
        )

    def _immediate(self, key: bool) -> dict:
        """即时报送 as typed, read in the lab's time (the service checks it)."""
        if not (key and self.immediate.isChecked()):
            return {}
        local = self.reported_at.dateTime().toPython().replace(second=0, microsecond=0)
        return {"reported_at": local.replace(tzinfo=clock.lab_zone()), "reported_to": self.reported_to.text(),
                "report_method": self.report_method.currentData() or ""}

    def save(self) -> None:
        if self.read_only:
            return
        if self.info is None:
            self._run(risk_service.create_info, self.ctx, self.data(), changed={"risk"})
        else:
            self._run(risk_service.update_info, self.ctx, self.info.id, self.info.version, self.data(),
                      changed={"risk"})


# ----------------------------------------------------------------------------------- page
class RiskPage(QWidget):
    """The register with filters (month, source, key risk, status, text) and the month's figures."""

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: list[risk_service.RiskInfo] = []
        self.month: risk_service.MonthlyRiskData | None = None
        self.loaded = 0
        self.dialog = None
        self._generation = 0
        self._wanted: int | None = None
        outer = QVBoxLayout(self)
        outer.addWidget(widgets.title_label(self.tr("Risk information")))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("risk_tabs")
        outer.addWidget(self.tabs, 1)
        register = QWidget()
        layout = QVBoxLayout(register)
        intro = QLabel(self.tr("Risk information collected by the lab as a monitoring station (Articles 10–12). "
                               "It is reported monthly; key risk information is reported at once."))
        intro.setWordWrap(True)
        intro.setStyleSheet(style.MUTED_TEXT)
        layout.addWidget(intro)

        s = settings()
        bar = QHBoxLayout()
        today = clock.today()
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(1999, 2100)
        self.year.setSpecialValueText(self.tr("All years"))
        self.year.setValue(int(s.value("risk/year", today.year) or 1999))
        self.month_box = QComboBox()
        self.month_box.setObjectName("month")
        self.month_box.addItem(self.tr("All months"), None)
        for m in range(1, 13):
            self.month_box.addItem(self.tr("%1 month").replace("%1", str(m)), m)
        saved_month = s.value("risk/month", today.month)
        self.month_box.setCurrentIndex(max(self.month_box.findData(int(saved_month)) if saved_month else 0, 0))
        self.source = QComboBox()
        self.source.setObjectName("source_filter")
        self.source.addItem(self.tr("All sources"), None)
        for key, text in source_labels().items():
            self.source.addItem(text, key)
        self.source.setMaximumWidth(260)
        saved_source = s.value("risk/source")
        if saved_source not in (None, ""):
            self.source.setCurrentIndex(max(self.source.findData(int(saved_source)), 0))
        self.key = QComboBox()
        self.key.setObjectName("key_filter")
        self.key.addItem(self.tr("Key and other"), None)
        self.key.addItem(self.tr("Key risk only"), True)
        self.key.addItem(self.tr("Not key risk"), False)
        saved_key = s.value("risk/key")
        if saved_key in ("true", "false", True, False):
            self.key.setCurrentIndex(1 if saved_key in ("true", True) else 2)
        self.status = QComboBox()
        self.status.setObjectName("status_filter")
        self.status.addItem(self.tr("Any status"), None)
        for key, text in status_labels().items():
            self.status.addItem(text, key)
        self.status.setCurrentIndex(max(self.status.findData(s.value("risk/status")), 0))
        self.text = QLineEdit(str(s.value("risk/text", "") or ""))
        self.text.setObjectName("text_filter")
        self.text.setClearButtonEnabled(True)
        self.text.setPlaceholderText(self.tr("Title, product, region…"))
        for w, label in ((self.year, self.tr("Year")), (self.month_box, self.tr("Month"))):
            bar.addWidget(QLabel(label))
            bar.addWidget(w)
        bar.addWidget(self.source)
        bar.addWidget(self.key)
        bar.addWidget(self.status)
        bar.addWidget(self.text, 1)
        layout.addLayout(bar)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        for signal in (self.year.valueChanged, self.month_box.currentIndexChanged, self.source.currentIndexChanged,
                       self.key.currentIndexChanged, self.status.currentIndexChanged, self.text.textChanged):
            signal.connect(self._filters_changed)

        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New entry"))
        self.new_button.setObjectName("new_info")
        self.new_button.setToolTip(self.tr("Record new risk information (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_entry)
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.setObjectName("edit_info")
        self.edit_button.clicked.connect(self.edit_entry)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete_info")
        self.delete_button.clicked.connect(self.delete_entry)
        for b in (self.new_button, self.edit_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        buttons.addWidget(self.count_label)
        layout.addLayout(buttons)

        split = QSplitter(Qt.Orientation.Vertical)
        layout.addWidget(split, 1)
        self.table = make_table(
            [self.tr("Information received on"), self.tr("Source"), self.tr("Subject"), self.tr("Product"), self.tr("Region"),
             self.tr("Key risk"), self.tr("Status"), self.tr("Samples")],
            "risk/entries", widths=[95, 200, 300, 110, 90, 90, 80, 160],
        )
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _i: self.edit_entry())
        split.addWidget(self.table)
        lower = QSplitter(Qt.Orientation.Horizontal)
        self.detail = QTextBrowser()
        self.detail.setObjectName("detail")
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._link)
        lower.addWidget(self.detail)
        self.summary = QTextBrowser()
        self.summary.setObjectName("month_summary")
        lower.addWidget(self.summary)
        split.addWidget(lower)
        split.setSizes([380, 260])
        restore_splitter(split, "risk/vertical")
        restore_splitter(lower, "risk/lower")

        self.allowed = permissions.risk_actions(ctx.user)
        self.new_button.setVisible(self.allowed.allowed("record"))
        self.delete_button.setToolTip(self.allowed.reason("delete"))
        add_shortcut(self, "Ctrl+N", self.new_entry, self.tr("Record new risk information"))
        add_shortcut(self, "Ctrl+E", self.edit_entry, self.tr("Edit the selected entry"))
        add_shortcut(self, "Ctrl+F", self.text.setFocus, self.tr("Filter the register"))
        self.month_box.setEnabled(self.year.value() != self.year.minimum())
        self._selected()
        bus.changed.connect(self._changed)
        self.tabs.addTab(register, self.tr("Register"))
        self.intelligence = IntelligenceView(ctx)
        self.tabs.addTab(self.intelligence, self.tr("Risk assessment across rounds"))

    # -- filters
    def filters(self) -> dict:
        year = None if self.year.value() == self.year.minimum() else self.year.value()
        return {
            "year": year,
            "month": self.month_box.currentData() if year is not None else None,
            "source": self.source.currentData(),
            "key_risk": self.key.currentData(),
            "status": self.status.currentData(),
            "text": self.text.text(),
        }

    def _filters_changed(self, *_args) -> None:
        s = settings()
        s.setValue("risk/year", self.year.value())
        s.setValue("risk/month", self.month_box.currentData() or 0)
        s.setValue("risk/source", self.source.currentData() or "")
        key = self.key.currentData()
        s.setValue("risk/key", "" if key is None else ("true" if key else "false"))
        s.setValue("risk/status", self.status.currentData() or "")
        s.setValue("risk/text", self.text.text())
        self.month_box.setEnabled(self.year.value() != self.year.minimum())
        self._timer.start()

    # -- loading
    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        f = self.filters()
        run_op(_load, self.ctx, f, on_done=lambda r: self._show(generation, r),
               on_error=lambda exc: alive(self) and widgets.show_error(self, exc))

    def open(self, info_id: int | None = None, tab: str | None = None, **_kw) -> None:
        if tab == "intelligence":
            self.tabs.setCurrentWidget(self.intelligence)
        if info_id is not None:
            self.tabs.setCurrentIndex(0)
            self._wanted = info_id
            if not select_id(self.table, info_id):
                self.year.setValue(self.year.minimum())
                self.source.setCurrentIndex(0)
                self.key.setCurrentIndex(0)
                self.status.setCurrentIndex(0)
                self.text.clear()
                self.refresh()

    def _changed(self, kinds) -> None:
        if alive(self) and {"risk", "sample"} & set(kinds or ()):
            self.refresh()

    def _show(self, generation: int, result) -> None:
        if not alive(self) or generation != self._generation:
            return
        entries, month = result
        self.entries = entries
        self.month = month
        keep = self._wanted if self._wanted is not None else selected_id(self.table)
        self._wanted = None
        sources = source_labels()
        statuses = status_labels()
        rows = []
        for e in entries:
            d = e.data
            rows.append((e.id, [
                date_text(d.received_date), sources.get(d.source, str(d.source)), d.title, d.product, d.region,
                self.tr("Key risk") if d.key_risk else "", statuses.get(d.status, d.status),
                "、".join(d.sample_numbers),
            ]))
        fill_table(self.table, rows, keep)
        for r, e in enumerate(entries):
            if e.data.key_risk:
                self.table.item(r, 5).setForeground(Qt.GlobalColor.darkRed)
        self.count_label.setText(self.tr("%n entry(ies)", "", len(entries)))
        self._show_month()
        self.loaded += 1
        self._selected()

    def _show_month(self) -> None:
        m = self.month
        if m is None:
            self.summary.setHtml("<p>" + escape(self.tr("Choose a year and a month to see the figures of the monthly "
                                                        "report.")) + "</p>")
            return
        sources = source_labels()
        reasons = key_reason_labels()
        head = self.tr("Monthly report %1: %2 entries, %3 key risk").replace("%1", m.period) \
            .replace("%2", str(m.total)).replace("%3", str(m.key_total))
        rows = "".join(
            f"<tr><td>{escape(sources[g.source])}</td><td align='right'>{g.count}</td>"
            f"<td align='right'>{g.key_count}</td></tr>"
            for g in m.by_source
        )
        reason_rows = "".join(
            f"<li>{escape(reasons[r.reason])}: {r.count}</li>" for r in m.by_key_reason if r.count
        )
        source_label = escape(self.tr("Source"))
        entries_label = escape(self.tr("Entries"))
        key_label = escape(self.tr("Key risk"))
        by_reason_label = escape(self.tr("Key risk by Article 12 item"))
        html = (
            f"<p><b>{escape(head)}</b></p>"
            f"<table cellspacing='0' cellpadding='2'><tr><th align='left'>{source_label}</th>"
            f"<th>{entries_label}</th><th>{key_label}</th></tr>{rows}</table>"
        )
        if reason_rows:
            html += f"<p><b>{by_reason_label}</b></p><ul>{reason_rows}</ul>"
        self.summary.setHtml(html)

    # -- selection and detail
    def current(self) -> risk_service.RiskInfo | None:
        ident = selected_id(self.table)
        return next((e for e in self.entries if e.id == ident), None)

    def _selected(self) -> None:
        e = self.current()
        self.edit_button.setEnabled(e is not None)
        self.edit_button.setText(self.tr("Edit") if can_record(self.ctx) else self.tr("View"))
        self.delete_button.setEnabled(e is not None and self.allowed.allowed("delete"))
        if e is None:
            self.detail.clear()
            return
        d = e.data
        reasons = key_reason_labels()
        received_label = escape(self.tr("Information received on"))
        recorded = escape(self.tr("recorded by %1").replace("%1", e.created_by)) if e.created_by else ""
        key_label = escape(self.tr("Key risk information (Article 12)"))
        samples_label = escape(self.tr("Linked samples"))
        parts = [
            f"<p><b>{escape(d.title)}</b></p>",
            f"<p>{received_label}：{date_text(d.received_date)} · "
            f"{escape(source_labels().get(d.source, ''))} · {escape(status_labels().get(d.status, d.status))}"
            + (f" · {recorded}" if recorded else "")
            + "</p>",
        ]
        if d.description:
            parts.append("<p>" + escape(d.description).replace("\n", "<br>") + "</p>")
        if d.key_risk:
            parts.append(f"<p><b style='color:{style.KEY_RISK}'>{key_label}</b></p>"
                         "<ul>" + "".join(f"<li>{escape(reasons.get(r, str(r)))}</li>" for r in d.key_reasons)
                         + "</ul>")
        if e.samples:
            links = "".join(
                f"<li><a href='sample:{s.id}'>{escape(s.number)}</a> {escape(s.product_name)}"
                f"（{escape(s.task_number)}）</li>"
                for s in e.samples
            )
            parts.append(f"<p><b>{samples_label}</b></p><ul>{links}</ul>")
        self.detail.setHtml("".join(parts))

    def _link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("sample:"):
            window = self.window()
            if hasattr(window, "go"):
                window.go("samples", sample_id=int(text.split(":", 1)[1]))

    # -- actions
    def _open(self, dialog):
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._saved(dialog))
        dialog.open()
        return dialog

    def _saved(self, dialog: RiskInfoDialog) -> None:
        if dialog.saved is not None:
            self._wanted = dialog.saved.id

    def new_entry(self) -> RiskInfoDialog | None:
        if not can_record(self.ctx):
            return None
        return self._open(RiskInfoDialog(self.ctx, None, self))

    def edit_entry(self) -> RiskInfoDialog | None:
        e = self.current()
        if e is None:
            return None
        return self._open(RiskInfoDialog(self.ctx, e, self, read_only=not can_record(self.ctx)))

    def confirm(self, title: str, text: str) -> bool:
        return widgets.confirm(self, title, text)

    def delete_entry(self) -> None:
        e = self.current()
        if e is None or not self.allowed.allowed("delete"):
            return
        if self.confirm(self.tr("Delete risk information"),
                        self.tr("Delete “%1” from the register?").replace("%1", e.data.title)):
            run_op(risk_service.delete_info, self.ctx, e.id, e.version,
                   on_done=lambda _r: bus.changed.emit({"risk"}),
                   on_error=lambda exc: alive(self) and widgets.show_error(self, exc))


def _load(ctx: Context, f: dict):
    entries = risk_service.list_info(ctx, year=f["year"], month=f["month"], source=f["source"],
                                     key_risk=f["key_risk"], status=f["status"], text=f["text"])
    month = risk_service.monthly_data(ctx, f["year"], f["month"]) if f["year"] and f["month"] else None
    return entries, month
