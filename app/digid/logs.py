"""Keep BSNs out of the logs: pysaml2 logs whole messages (with the NameID) at debug level."""

from __future__ import annotations

import logging
import re

_BSN_LIKE = re.compile(r"\d{8,9}")


def redact(value: object) -> str:
    """Text safe to log: every 8-9 digit run (a BSN or sector number) is masked."""
    return _BSN_LIKE.sub("[redacted]", str(value))[:300]


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        return True


def quiet_saml_logging() -> None:
    """pysaml2 loggers: at least WARNING, and redacted."""
    flt = RedactFilter()
    logging.getLogger("saml2").setLevel(logging.WARNING)
    for name in list(logging.Logger.manager.loggerDict):
        if name == "saml2" or name.startswith("saml2."):
            logger = logging.getLogger(name)
            if not any(isinstance(f, RedactFilter) for f in logger.filters):
                logger.addFilter(flt)
