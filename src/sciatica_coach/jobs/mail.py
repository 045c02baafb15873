"""The alert e-mail: a link to the alert and nothing else (no name, no pain, no warning sign), sent over SMTP."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from sciatica_coach.settings import Settings

SUBJECT = "Sciatica Coach: a new alert"
BODY = (
    "There is a new alert for one of your patients in Sciatica Coach.\n\n"
    "Sign in to see it: {link}\n\n"
    "This e-mail holds no health details on purpose.\n"
)
SMTP_TIMEOUT_S = 20


def alert_link(settings: Settings, alert_row_id: int) -> str:
    """Where the clinician opens the alert."""
    return f"{settings.base_url.rstrip('/')}/clinic/alerts/{alert_row_id}"


def alert_message(settings: Settings, to: str, alert_row_id: int) -> EmailMessage:
    """The e-mail for one alert, to its clinician."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = SUBJECT
    message.set_content(BODY.format(link=alert_link(settings, alert_row_id)))
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Hand the message to the configured SMTP server (STARTTLS and login when set)."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)
