"""The PDF progress report: `progress/report.html` (the progress page's charts and tables, `_charts.html` and
`charts.py`) turned into a PDF by WeasyPrint (imported on first use: it is heavy)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.templating import Jinja2Templates

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.usecases.exports import Report
from sciatica_coach.web.routes.progress import progress_context

HERE = Path(__file__).parent
REPORT_DISCLAIMER = (
    "Sciatica Coach is self-management support. It does not replace a clinician: "
    "this report does not diagnose anything, and a clinician should read it with you."
)


def report_html(templates: Jinja2Templates, catalog: Catalog, report: Report, today: date) -> str:
    """The report as HTML (what the PDF is made from)."""
    progress = report.progress
    context = progress_context(progress, report.days, catalog) | {
        "name": report.name,
        "report": report,
        "made_on": today.isoformat(),
        "disclaimer": REPORT_DISCLAIMER,
        "for_clinician": True,  # no links to the patient's own forms in a printed report
        "done": sum(a.completed for a in progress.adherence),
        "planned": sum(a.planned for a in progress.adherence),
    }
    return templates.get_template("progress/report.html").render(context)


def report_pdf(templates: Jinja2Templates, catalog: Catalog, report: Report, today: date) -> bytes:
    """The report as PDF bytes."""
    from weasyprint import HTML  # heavy: imported only when a report is made

    html = report_html(templates, catalog, report, today)
    return bytes(HTML(string=html, base_url=str(HERE)).write_pdf())
