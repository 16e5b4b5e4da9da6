"""The summary as speech: "Luister naar uw overzicht", for residents who read with difficulty,
on any phone and without JavaScript.

The words are the printed summary's (app.services.summary), in reading order and each item once
(templates/summary/spoken.txt), spoken by espeak-ng (Debian package; Dutch and English voices) and
encoded by LAME as MP3 at speech bitrate: MP3 plays on every phone and browser we serve, Opus does
not (older iPhones). Everything happens on this server: no text or sound leaves it.

Like the PDF, a file is cached by a hash of exactly what it says (app.services.summary_cache), so
a repeat is instant and any change in the dossier gives a new file. A missing file is made by an
RQ job (jobs.summary.render_audio) while the page waits; when Redis is down, or the job was lost,
the request makes it itself (about a second).
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale
from redis.exceptions import RedisError

from app.models import Resident
from app.queues import enqueue
from app.services import summary_cache
from app.services.summary import (
    SummaryForbidden,
    Viewer,
    authorise,
    build_summary,
    may_print,
    read_by_staff,
)

log = logging.getLogger(__name__)

KIND = "mp3"
# espeak-ng voices per page language; a slower rate than espeak's 175 words a minute.
VOICES = {"nl": "nl", "en": "en-gb"}
WORDS_PER_MINUTE = 150
# Mono MP3 at 24 kbit/s, resampled to 16 kHz (espeak's formants lie below 8 kHz): 180 KB a minute.
BITRATE_KBPS = 24
ENCODER = ("lame", "--quiet", "-m", "m", "-b", str(BITRATE_KBPS), "--resample", "16", "-", "-")
# Part of every cache key: another voice, rate or encoding must not serve old files.
RENDERER = f"espeak-ng/{WORDS_PER_MINUTE}/lame-{BITRATE_KBPS}k/1"
TIMEOUT_SECONDS = 60


class AudioUnavailable(RuntimeError):
    """espeak-ng or lame is missing or failed (install the Debian packages espeak-ng and lame)."""


@dataclass(frozen=True)
class AudioReady:
    data: bytes

    @property
    def seconds(self) -> int:
        """Constant bitrate, so the length follows from the size."""
        return round(len(self.data) * 8 / (BITRATE_KBPS * 1000))


@dataclass(frozen=True)
class AudioPending:
    key: str


def spoken_text(resident: Resident, today: date, readers: tuple[int, ...] = ()) -> tuple[str, str]:
    """(language, text) of what the file says: in the resident's language, as the PDF; with
    `readers` (a staff member's organisation ids), only what that staff member may read."""
    lang = resident.language if resident.language in current_app.config["LANGUAGES"] else "nl"
    with force_locale(lang):
        summary = build_summary(resident, today)
        if readers and resident.dossier is not None:
            summary = read_by_staff(summary, resident.dossier, readers)
        text = render_template("summary/spoken.txt", summary=summary)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return lang, "\n".join(line for line in lines if line)


def audio_key(lang: str, text: str) -> str:
    return hashlib.sha256(f"{RENDERER}\n{VOICES[lang]}\n{text}".encode()).hexdigest()


def synthesise(lang: str, text: str) -> bytes:
    """The text as MP3 bytes. The text goes in on standard input, never on a command line."""
    speak = ("espeak-ng", "-v", VOICES[lang], "-s", str(WORDS_PER_MINUTE), "--stdin", "--stdout")
    try:
        # Fixed programs and arguments; the text only on standard input.
        wav = subprocess.run(  # noqa: S603
            speak, input=text.encode(), capture_output=True, check=True, timeout=TIMEOUT_SECONDS
        ).stdout
        mp3 = subprocess.run(  # noqa: S603
            ENCODER, input=wav, capture_output=True, check=True, timeout=TIMEOUT_SECONDS
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise AudioUnavailable(str(error)) from error
    if not mp3:
        raise AudioUnavailable("the encoder wrote nothing")
    return mp3


def render_for_cache(resident: Resident, today: date, readers: tuple[int, ...] = ()) -> str:
    """What the worker runs: speak into the cache (unless it is there already). Returns the key."""
    lang, text = spoken_text(resident, today, readers)
    key = audio_key(lang, text)
    if summary_cache.cached(key, KIND) is None:
        summary_cache.store(key, KIND, synthesise(lang, text))
    return key


def _readers(viewer: Viewer) -> tuple[int, ...]:
    return tuple(sorted(viewer.organisation_ids)) if viewer.is_staff else ()


def _ready_or_pending(
    resident: Resident, today: date, readers: tuple[int, ...]
) -> AudioReady | AudioPending:
    lang, text = spoken_text(resident, today, readers)
    key = audio_key(lang, text)
    data = summary_cache.cached(key, KIND)
    if data is not None:
        return AudioReady(data)
    state = summary_cache.queue_state(key)
    if state == "waiting":
        return AudioPending(key)
    if state == "none":
        try:
            enqueue("jobs.summary.render_audio", resident.id, list(readers))
        except RedisError:  # Redis down: made below, in this request
            log.warning("summary audio could not be queued; speaking inline", exc_info=True)
        else:
            summary_cache.mark_queued(key)
            return AudioPending(key)
    # Redis down, or a lost job (no worker, or it failed): this request makes it.
    data = synthesise(lang, text)
    summary_cache.store(key, KIND, data)
    return AudioReady(data)


def request_audio(viewer: Viewer, resident: Resident, today: date) -> AudioReady | AudioPending:
    """The spoken summary for this viewer: cached, queued (AudioPending) or made now. A staff
    viewer's download is written to the resident's access log."""
    authorise(viewer, resident, "audio")
    return _ready_or_pending(resident, today, _readers(viewer))


def audio_status(viewer: Viewer, resident: Resident, today: date) -> AudioReady | AudioPending:
    """What the listening page asks: like request_audio, but not an access-log entry (it only
    looks whether the file is there; the download itself is logged)."""
    if not may_print(viewer, resident):
        raise SummaryForbidden(f"viewer {viewer.kind}:{viewer.id} may not hear this summary")
    return _ready_or_pending(resident, today, _readers(viewer))
