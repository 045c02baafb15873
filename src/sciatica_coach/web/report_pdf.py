"""The PDF progress report: `progress/report.html` (the progress page's charts and tables, `_charts.html` and
`charts.py`) turned into a PDF by WeasyPrint (imported on first use: it is heavy).

WeasyPrint draws an inline SVG with the SVG's own styles only, so each chart gets the `svg.chart` rules of
`static/css/app.css` copied into a `<style>` of its own: the same colours and dashes as on the page."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from sciatica_coach.domain.catalog import Catalog
from sciatica_coach.usecases.exports import Report
from sciatica_coach.web.routes.progress import progress_context

HERE = Path(__file__).parent
REPORT_DISCLAIMER = (
    "Sciatica Coach is self-management support. It does not replace a clinician: "
    "this report does not diagnose anything, and a clinician should read it with you."
)


_CHART_RULE = re.compile(r"^(svg\.chart \.[^{]+\{[^}]*\})", re.MULTILINE)
_VARIABLE = re.compile(r"--([a-z0-9-]+):\s*([^;]+);")
_USE = re.compile(r"var\(--([a-z0-9-]+)\)")
_LIGHT_ROOT = re.compile(r":root\s*\{([^{}]*)\}")


def chart_style() -> str:
    """The charts' rules of app.css, for a `<style>` inside each SVG (CSS variables replaced by their values)."""
    css = (HERE / "static" / "css" / "app.css").read_text(encoding="utf-8")
    light = _LIGHT_ROOT.search(css)  # paper is light: the first :root block, not the dark scheme's overrides
    values = dict(_VARIABLE.findall(light.group(1) if light else ""))
    rules = " ".join(_CHART_RULE.findall(css))
    for _ in range(3):  # a property may be defined through another (--band-odd: var(--surface))
        rules = _USE.sub(lambda m: values.get(m.group(1), "currentColor"), rules)
    return f"<style>svg.chart text {{ font-size: 11px; }} {rules}</style>"


def _styled(svg: str, style: str) -> Markup:
    head, _, rest = svg.partition(">")
    return Markup(f"{head}>{style}{rest}")


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
    style = chart_style()  # read per report, never kept in a cache
    context["charts"] = {name: _styled(str(svg), style) for name, svg in context["charts"].items()}
    return templates.get_template("progress/report.html").render(context)


def report_pdf(templates: Jinja2Templates, catalog: Catalog, report: Report, today: date) -> bytes:
    """The report as PDF bytes."""
    from weasyprint import HTML  # heavy: imported only when a report is made

    html = report_html(templates, catalog, report, today)
    return bytes(HTML(string=html, base_url=str(HERE)).write_pdf())
