"""Validated questionnaires (patient-reported outcome measures) and their scoring."""
