"""Every content file, loaded, validated and cross-checked once, then handed to whoever needs it.

The web app builds one `Catalog` in `create_app`, the CLI in its one opening place (`cli/common.py`); nothing keeps
content in a module-level cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sciatica_coach.domain.adaptation.rules import RULES_FILE, RuleBook, check_rules, load_rules
from sciatica_coach.domain.alerts import ALERTS_FILE, AlertBook, check_alerts, load_alerts
from sciatica_coach.domain.checkins import CheckinContent, load_checkin_content
from sciatica_coach.domain.content.loader import Library, default_content_dir, load_library
from sciatica_coach.domain.instruments.sbi import SbiContent, load_sbi
from sciatica_coach.domain.screening import RedFlags, load_red_flags


@dataclass(frozen=True)
class Catalog:
    """The program (exercises, education, program), warning-sign questions, check-ins, the SBI, the rules and the
    clinician's alerts."""

    library: Library
    red_flags: RedFlags
    checkins: CheckinContent
    sbi: SbiContent
    rules: RuleBook
    alerts: AlertBook


def load_catalog(folder: Path | None = None) -> Catalog:
    """Load every content file from `folder` (the packaged content by default); ContentError names file and field."""
    folder = folder or default_content_dir()
    library = load_library(folder)
    rules = load_rules(folder)
    check_rules(rules, library, folder / RULES_FILE)
    alerts = load_alerts(folder)
    check_alerts(alerts, rules, folder / ALERTS_FILE)
    return Catalog(
        library=library,
        red_flags=load_red_flags(folder),
        checkins=load_checkin_content(folder),
        sbi=load_sbi(folder),
        rules=rules,
        alerts=alerts,
    )
