"""Reminders by e-mail and SMS: the outbox (app.models.notification), planning hooks for the
services that book appointments and request documents, the dispatcher and deliver() run by RQ
(jobs.reminders), receipts, and what staff need. See docs in each module."""
