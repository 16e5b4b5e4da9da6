"""The metrics this app counts as it works (prometheus_client). Only metric objects live here, so
any module may import it without pulling in Flask or the database.

Under gunicorn with several worker processes, set PROMETHEUS_MULTIPROC_DIR (an empty directory per
host, emptied at each start) before the app is imported: every process then writes its values
there and /metrics adds them up (app.ops.metrics). Without it the values are this process's own.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Per endpoint (the Flask endpoint name, never the path: paths carry ids and tokens).
REQUESTS = Counter(
    "mijn_http_requests_total",
    "HTTP requests answered, per endpoint, method and status code.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "mijn_http_request_duration_seconds",
    "Time from the request reaching the app to the response leaving it, per endpoint.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# The printable summary (app.services.summary_pdf): renders by WeasyPrint, and files served from
# the cache instead.
SUMMARY_PDF_RENDERS = Counter(
    "mijn_summary_pdf_renders_total", "Summary PDFs rendered by WeasyPrint (web or worker)."
)
SUMMARY_PDF_CACHE_HITS = Counter(
    "mijn_summary_pdf_cache_hits_total", "Summary PDFs served from the cache without rendering."
)
