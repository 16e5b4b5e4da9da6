"""Configuration classes. Pick one with MIJN_CONFIG=demo|test|production (default: demo).

Secrets come only from the environment; demo/test use throwaway values and keys generated at set-up.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))

DEFAULT_SECRET = "demo-only-secret-change-me"  # noqa: S105 - refused in production by check_settings
DEMO_ENCRYPTION_KEY = "ZGVtby1vbmx5LWJzbi1lbmNyeXB0aW9uLWtleS0xMjM="


class Config:
    # Which configuration this is (demo / test / production).
    ENV_NAME = "demo"
    # Signs the session cookie and CSRF tokens. Must be a long random value in production.
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    # SQLAlchemy URL; SQLite for the demo, PostgreSQL in production and CI.
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'mijn-overzicht.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Redis for RQ (the web request never needs it to answer).
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    # Key for the keyed hash of a BSN (lookup at login). Changing it orphans every resident.
    BSN_HASH_KEY = os.environ.get("BSN_HASH_KEY", "demo-only-bsn-hash-key")
    # Fernet key (urlsafe base64, 32 bytes) for the encrypted copy of the BSN shown to staff.
    BSN_ENCRYPTION_KEY = os.environ.get("BSN_ENCRYPTION_KEY", DEMO_ENCRYPTION_KEY)
    # Languages offered; the first is the default.
    LANGUAGES = ("nl", "en")
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    # Cookies: HttpOnly, Secure outside demo/test, SameSite=Lax so the DigiD redirect back works.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "mo_session"
    REMEMBER_COOKIE_DURATION = 0
    # CSRF tokens live as long as the session (the session itself expires after idle time).
    WTF_CSRF_TIME_LIMIT = None
    # Compress HTML/CSS/JS (gzip, br) so the overview fits in the first round trip.
    COMPRESS_MIMETYPES = ["text/html", "text/css", "application/javascript", "text/javascript"]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 256
    # Reverse proxies in front of the app that set X-Forwarded-For and X-Forwarded-Proto (0: none,
    # the headers are ignored). Only that many hops are believed: a client cannot forge its address.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # How the organisations can be reached without the portal (login page, errors, footer).
    HELP_PHONE = os.environ.get("HELP_PHONE", "14 0172")
    # The opening hours as text, per language (app.dates.help_hours picks the page's language).
    HELP_HOURS = os.environ.get("HELP_HOURS", "maandag tot en met vrijdag, 9.00 tot 17.00 uur")
    HELP_HOURS_EN = os.environ.get("HELP_HOURS_EN", "Monday to Friday, 9 am to 5 pm")
    # The accessibility statement: where to report a problem, and the last complete WCAG-EM audit
    # by experts (ISO date, with the number of criteria it found not met) or the planned one.
    # They decide the status A-D (app/pages/statement.py); without them it is D.
    ACCESSIBILITY_EMAIL = os.environ.get(
        "ACCESSIBILITY_EMAIL", "toegankelijkheid@mijnoverzicht.example.nl"
    )
    ACCESSIBILITY_AUDIT_DATE = os.environ.get("ACCESSIBILITY_AUDIT_DATE", "")
    ACCESSIBILITY_AUDIT_FAILURES = int(os.environ.get("ACCESSIBILITY_AUDIT_FAILURES", "0"))
    ACCESSIBILITY_AUDIT_PLANNED = os.environ.get("ACCESSIBILITY_AUDIT_PLANNED", "")

    # --- DigiD / SAML -----------------------------------------------------------------------
    # Base URL the SP is reached at (ACS and metadata URLs are built from it).
    SAML_SP_BASE_URL = os.environ.get("SAML_SP_BASE_URL", "http://127.0.0.1:5000")
    # SP entity id registered with Logius.
    SAML_SP_ENTITY_ID = os.environ.get("SAML_SP_ENTITY_ID", "")
    # SAML signing key and certificate of the SP (PEM files).
    SAML_SP_KEY_FILE = os.environ.get("SAML_SP_KEY_FILE", str(INSTANCE / "saml" / "sp.key"))
    SAML_SP_CERT_FILE = os.environ.get("SAML_SP_CERT_FILE", str(INSTANCE / "saml" / "sp.crt"))
    # DigiD IdP metadata (file). With the test IdP enabled the metadata is generated instead.
    SAML_IDP_METADATA_FILE = os.environ.get("SAML_IDP_METADATA_FILE", "")
    # DigiD's metadata signing certificate (PEM); the metadata file must carry its signature.
    SAML_IDP_METADATA_CERT_FILE = os.environ.get("SAML_IDP_METADATA_CERT_FILE", "")
    # DigiD's entity id; empty = the only IdP in SAML_IDP_METADATA_FILE.
    SAML_IDP_ENTITY_ID = os.environ.get("SAML_IDP_ENTITY_ID", "")
    # CA bundle that DigiD's TLS server cert must chain to; empty = the system CAs (never off).
    SAML_BACKCHANNEL_CA_FILE = os.environ.get("SAML_BACKCHANNEL_CA_FILE", "")
    # TLS client certificate (PEM, PKIoverheid) for the back channel; empty = SAML_SP_CERT_FILE.
    SAML_BACKCHANNEL_CERT_FILE = os.environ.get("SAML_BACKCHANNEL_CERT_FILE", "")
    # Private key of SAML_BACKCHANNEL_CERT_FILE; empty = SAML_SP_KEY_FILE.
    SAML_BACKCHANNEL_KEY_FILE = os.environ.get("SAML_BACKCHANNEL_KEY_FILE", "")
    # DigiD single sign-on (Eenmalig Inloggen): logout also ends the DigiD session, and DigiD's
    # SOAP LogoutRequest ends every session of that resident.
    SAML_SINGLE_LOGOUT = os.environ.get("SAML_SINGLE_LOGOUT", "0") == "1"
    # Minimum DigiD level: basis, midden, substantieel or hoog.
    SAML_MIN_LEVEL = os.environ.get("SAML_MIN_LEVEL", "midden")
    # Seconds of clock difference accepted in both directions.
    SAML_CLOCK_SKEW = int(os.environ.get("SAML_CLOCK_SKEW", "30"))
    # Seconds the SP waits for the ArtifactResolve back channel.
    SAML_HTTP_TIMEOUT = int(os.environ.get("SAML_HTTP_TIMEOUT", "10"))
    # Path to the xmlsec1 binary pysaml2 runs for every signature.
    SAML_XMLSEC_BINARY = os.environ.get("SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1")
    # The built-in pysaml2 test IdP (demo/test only; refused in production).
    TEST_IDP_ENABLED = False
    TEST_IDP_KEY_FILE = str(INSTANCE / "saml" / "idp.key")
    TEST_IDP_CERT_FILE = str(INSTANCE / "saml" / "idp.crt")

    # --- Sessions ---------------------------------------------------------------------------
    # Idle minutes before a session ends (DigiD requires at most 15).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "15"))
    # Hours after login when a session ends, active or not.
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "8"))
    # Staff login attempts per source address (Flask-Limiter syntax); the lockout per account
    # and address in the database is the real protection (app.services.staff_auth).
    STAFF_LOGIN_RATE_LIMIT = os.environ.get("STAFF_LOGIN_RATE_LIMIT", "10 per minute")
    # Minutes before the idle end when the page warns and offers to stay logged in.
    SESSION_WARN_MINUTES = int(os.environ.get("SESSION_WARN_MINUTES", "2"))

    # --- Printable summary (app.services.summary_pdf) ----------------------------------------
    # Expected render time above which the PDF is made by an RQ job and the page polls. 0 (the
    # default): always by a job, so web workers never load WeasyPrint (about 45 MB each) nor spend
    # half a second of CPU per print among page requests (bench/load.py: pages p99 1.1 s with
    # 1.0, 0.28 s with 0). A cached print is instant either way; without Redis, or when the job
    # is lost, the request renders it itself.
    SUMMARY_INLINE_BUDGET_SECONDS = float(os.environ.get("SUMMARY_INLINE_BUDGET_SECONDS", "0"))
    # Rendered PDFs by state hash; personal data, so 0700 and pruned. Web and worker share it.
    SUMMARY_CACHE_DIR = os.environ.get("SUMMARY_CACHE_DIR", str(INSTANCE / "summary-cache"))
    # Seconds a rendered PDF stays in the cache.
    SUMMARY_CACHE_SECONDS = int(os.environ.get("SUMMARY_CACHE_SECONDS", "86400"))
    # Seconds after which a queued render counts as lost and the next request renders inline.
    SUMMARY_JOB_TIMEOUT_SECONDS = int(os.environ.get("SUMMARY_JOB_TIMEOUT_SECONDS", "120"))
    # Where Debian's fonts-dejavu-core puts DejaVuSans(-Bold).ttf, embedded in every PDF.
    SUMMARY_FONT_DIR = os.environ.get("SUMMARY_FONT_DIR", "/usr/share/fonts/truetype/dejavu")

    # --- Resident self-service (timeline, documents, appointments, questions) ----------------
    # Seconds between live-refresh polls of the overview and timeline while the tab is visible.
    LIVE_POLL_SECONDS = int(os.environ.get("LIVE_POLL_SECONDS", "30"))
    # Longest wait between polls after backing off because nothing changed.
    LIVE_POLL_MAX_SECONDS = int(os.environ.get("LIVE_POLL_MAX_SECONDS", "300"))
    # Largest file a resident may upload, in bytes (checked while the upload streams in).
    UPLOAD_MAX_FILE_BYTES = int(os.environ.get("UPLOAD_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
    # Most files in one upload.
    UPLOAD_MAX_FILES = int(os.environ.get("UPLOAD_MAX_FILES", "5"))
    # Where uploaded files live: outside the web root, under random names.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE / "uploads"))
    # Storage backend for uploads (app.services.storage.BACKENDS); 'local' is the filesystem.
    UPLOAD_STORAGE = os.environ.get("UPLOAD_STORAGE", "local")
    # Hours before an appointment after which it can no longer be moved or cancelled online.
    APPOINTMENT_CHANGE_HOURS = int(os.environ.get("APPOINTMENT_CHANGE_HOURS", "24"))

    # --- Reminders by e-mail and SMS (app.services.notifications, jobs.reminders) -------------
    # Where links in reminders point (the portal's public address; at most 48 characters,
    # so every SMS text stays within one 160-character message).
    PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:5000")
    # SMTP server for reminder e-mails.
    SMTP_HOST = os.environ.get("SMTP_HOST", "127.0.0.1")
    # SMTP port (587 with STARTTLS, 465 with SSL, 25 plain).
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    # SMTP login; empty means no AUTH.
    SMTP_USER = os.environ.get("SMTP_USER", "")
    # SMTP password (from the environment only).
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    # Upgrade the connection with STARTTLS (refused if the server does not offer it).
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "0") == "1"
    # Connect with TLS from the start (SMTPS, usually port 465); wins over SMTP_STARTTLS.
    SMTP_SSL = os.environ.get("SMTP_SSL", "0") == "1"
    # Seconds before an SMTP connect/command counts as failed (must stay below the job timeout).
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "20"))
    # Sender of reminder e-mails.
    MAIL_FROM = os.environ.get("MAIL_FROM", "Mijn Overzicht <herinnering@mijnoverzicht.example.nl>")
    # Right-hand side of Message-IDs ('<notification-id@this>').
    MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "mijnoverzicht.example.nl")
    # Spryng REST API endpoint for sending SMS.
    SPRYNG_URL = os.environ.get("SPRYNG_URL", "https://rest.spryngsms.com/v1/messages")
    # Spryng API key (Bearer token); empty disables SMS (rows end as technical-failure).
    SPRYNG_API_KEY = os.environ.get("SPRYNG_API_KEY", "")
    # Sender name shown on the phone (max 11 characters, registered with Spryng).
    SPRYNG_ORIGINATOR = os.environ.get("SPRYNG_ORIGINATOR", "Gemeente")
    # Spryng route: 'business' or a numeric route id from the Spryng dashboard.
    SPRYNG_ROUTE = os.environ.get("SPRYNG_ROUTE", "business")
    # Seconds to wait for Spryng before the attempt counts as a (retried) timeout.
    SPRYNG_TIMEOUT = float(os.environ.get("SPRYNG_TIMEOUT", "20"))
    # Web Push (issue 17). VAPID key pair, base64url (`flask vapid-keys` makes one); without
    # them the /account option for notices is not offered and push rows end as 'no-address'.
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
    # Contact the push services may use about our messages (VAPID 'sub' claim).
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:beheer@mijnoverzicht.example.nl")
    # Seconds to wait for a push service before the attempt counts as a (retried) timeout.
    PUSH_TIMEOUT = float(os.environ.get("PUSH_TIMEOUT", "20"))
    # Basic-auth user Spryng must use on the delivery-receipt URL (/receipts/spryng).
    SMS_RECEIPT_USER = os.environ.get("SMS_RECEIPT_USER", "spryng")
    # Basic-auth password for that URL; empty refuses every receipt.
    SMS_RECEIPT_SECRET = os.environ.get("SMS_RECEIPT_SECRET", "")
    # Default quiet hours (Europe/Amsterdam, HH:MM); residents may change theirs.
    REMINDER_QUIET_START = os.environ.get("REMINDER_QUIET_START", "21:00")
    # End of the quiet hours (exclusive: at 08:00 sending starts again).
    REMINDER_QUIET_END = os.environ.get("REMINDER_QUIET_END", "08:00")
    # RQ queue for other background jobs, such as slow summary PDFs (the Procfile worker too).
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "default")
    # Niceness of a job worker's work horse (a print, a data export; not a reminder): on a machine
    # that also serves pages, those long CPU-bound jobs give way to page requests. 0: no change.
    JOB_NICENESS = int(os.environ.get("JOB_NICENESS", "10"))
    # RQ queue for deliver and dispatch jobs (the Procfile worker listens to it).
    REMINDER_QUEUE = os.environ.get("REMINDER_QUEUE", "reminders")
    # Seconds between dispatcher runs (the clock in `python -m jobs.reminders worker`).
    REMINDER_DISPATCH_INTERVAL = int(os.environ.get("REMINDER_DISPATCH_INTERVAL", "30"))
    # Rows the dispatcher locks and enqueues per transaction.
    REMINDER_BATCH_SIZE = int(os.environ.get("REMINDER_BATCH_SIZE", "1000"))
    # Provider calls per notification before it ends as technical-failure.
    REMINDER_MAX_ATTEMPTS = int(os.environ.get("REMINDER_MAX_ATTEMPTS", "5"))
    # Seconds a worker's claim lasts; then the lease sweeper hands the row to another worker.
    REMINDER_LEASE_SECONDS = int(os.environ.get("REMINDER_LEASE_SECONDS", "300"))
    # Seconds after which a queued-but-unclaimed row is put on the queue again (Redis lost it).
    REMINDER_REQUEUE_SECONDS = int(os.environ.get("REMINDER_REQUEUE_SECONDS", "300"))
    # Hours to wait for an SMS delivery receipt before marking it temporary-failure.
    REMINDER_RECEIPT_TIMEOUT_HOURS = int(os.environ.get("REMINDER_RECEIPT_TIMEOUT_HOURS", "72"))
    # Days a "stop these e-mails" link keeps working (residents find old mails weeks later).
    UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS = int(os.environ.get("UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS", "90"))
    # Mailbox for List-Unsubscribe mailto requests; empty = the e-mails carry only the https link.
    UNSUBSCRIBE_MAILTO = os.environ.get("UNSUBSCRIBE_MAILTO", "")
    # POSTs to a stop link per client address. Generous: a big mail provider sends every
    # one-click stop from a few addresses, and a forged token gets nowhere anyway.
    UNSUBSCRIBE_RATE_LIMIT = os.environ.get("UNSUBSCRIBE_RATE_LIMIT", "60 per minute")
    # Minutes a change notice waits for more changes, so they go out as one message.
    CHANGE_NOTICE_WINDOW_MINUTES = int(os.environ.get("CHANGE_NOTICE_WINDOW_MINUTES", "10"))
    # Hours a resident's data export (ZIP of all their data) waits to be downloaded, once.
    DATA_EXPORT_HOURS = int(os.environ.get("DATA_EXPORT_HOURS", "24"))
    # Days after staff close a dossier before its contents are deleted (app.services.retention).
    RETENTION_DAYS_AFTER_CLOSE = int(os.environ.get("RETENTION_DAYS_AFTER_CLOSE", "730"))
    # Days the minimal access-log rows of a deleted dossier are kept after that (0: none).
    RETENTION_ACCESS_LOG_DAYS = int(os.environ.get("RETENTION_ACCESS_LOG_DAYS", "1825"))
    # Answers to 'Was deze pagina duidelijk?' per client address (flask-limiter syntax).
    FEEDBACK_RATE_LIMIT = os.environ.get("FEEDBACK_RATE_LIMIT", "10 per minute")

    # --- Operations: health, metrics, logs, database timeouts (app.ops, README Production) -----
    # 'json': every log line is one JSON object with the request id (app.logging_setup); 'text'.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # Bearer token that may read /metrics from anywhere; empty: only METRICS_ALLOWED_ADDRESSES.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # Client addresses or networks (comma-separated, as the app sees them after TRUSTED_PROXIES)
    # that may read /metrics without the token; empty: none.
    METRICS_ALLOWED_ADDRESSES = os.environ.get("METRICS_ALLOWED_ADDRESSES", "")
    # PostgreSQL connections per process: the pool keeps DATABASE_POOL_SIZE open and opens up
    # to DATABASE_MAX_OVERFLOW more under load. Sum over all processes < max_connections.
    DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "5"))
    DATABASE_MAX_OVERFLOW = int(os.environ.get("DATABASE_MAX_OVERFLOW", "10"))
    # Seconds a request waits for a free pooled connection before it fails.
    DATABASE_POOL_TIMEOUT = float(os.environ.get("DATABASE_POOL_TIMEOUT", "10"))
    # Seconds to wait for PostgreSQL to accept a new connection.
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    # Longest a single SQL statement may run, in milliseconds (0: no limit). gunicorn.conf.py
    # sets 15000 for the web processes; migrations and workers run without a limit.
    DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "0"))


class DemoConfig(Config):
    """`make demo`: SQLite, the test IdP, plain HTTP on loopback."""

    SESSION_COOKIE_SECURE = False
    # TEST_IDP_ENABLED=0 tries DigiD preproduction from the demo: the test IdP is off and
    # SAML_IDP_METADATA_FILE (with SAML_IDP_METADATA_CERT_FILE) is used, as in production.
    TEST_IDP_ENABLED = os.environ.get("TEST_IDP_ENABLED", "1") != "0"


class TestConfig(DemoConfig):
    """pytest: the database is TEST_DATABASE_URL (PostgreSQL in CI) or a temp SQLite file."""

    ENV_NAME = "test"
    TESTING = True
    TEST_IDP_ENABLED = True
    SECRET_KEY = "test-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    # Uploads of a test run go to a temp folder of their own (tests may point it elsewhere).
    UPLOAD_DIR = str(Path(tempfile.gettempdir()) / f"mijn-overzicht-test-uploads-{os.getpid()}")
    COMPRESS_REGISTER = False
    # Jobs the tests queue never reach a worker of the demo on the same Redis; a worker the tests
    # start (MIJN_CONFIG=test) listens to the same name.
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "test-jobs")
    # Reminders: loopback only; the tests start the SMTP server and the fake Spryng and set ports.
    SMTP_HOST = "127.0.0.1"
    SMTP_PORT = int(os.environ.get("TEST_SMTP_PORT", "2525"))
    SMTP_STARTTLS = False
    SMTP_SSL = False
    SMTP_TIMEOUT = 5.0
    SPRYNG_URL = os.environ.get("TEST_SPRYNG_URL", "http://127.0.0.1:9/v1/messages")
    SPRYNG_API_KEY = "test-spryng-key"
    SPRYNG_TIMEOUT = 2.0
    SMS_RECEIPT_SECRET = "test-receipt-secret"  # noqa: S105
    # Tests print without a worker: a summary is made in the request, however slow the machine
    # (a budget of a second sent prints to the queue on a busy CI machine: a test then depended
    # on timing). Tests of the queued path set 0 (or a budget no render meets) themselves.
    SUMMARY_INLINE_BUDGET_SECONDS = 3600.0


class ProductionConfig(Config):
    ENV_NAME = "production"
    TEST_IDP_ENABLED = False


CONFIGS: dict[str, type[Config]] = {
    "demo": DemoConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("MIJN_CONFIG", "demo")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"MIJN_CONFIG={name!r} is unknown; use one of: {', '.join(CONFIGS)}"
        ) from None
