"""One function per action a person takes, shared by the HTML routes, the JSON API and the CLI.

Each runs in one write transaction (`Store.write`), runs the adaptation rules when the events that feed them are
saved (never on a read), and returns plain values for the adapter to show. Errors are the exceptions in `errors.py`
(and the domain's `FlowError`, `CheckinError`, `MissingAnswers`, `OfferError`), which each adapter maps to its own
way of saying no: an HTTP status and message, or a CLI exit code.
"""
