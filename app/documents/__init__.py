"""Requested documents (bewijsstukken): checklist, upload, re-upload, download."""
