"""The summary PDF for every demo resident: parses, tagged (PDF/UA-1), language and title set,
real text with the expected content, DejaVu embedded, at most two A4 pages."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Channel, Holder, TaskKind
from app.services.appointments import appointments_of, cancel_appointment
from app.services.summary import Limits, Viewer, build_summary
from app.services.summary_pdf import (
    PdfReady,
    pdf_filename,
    request_pdf,
    without_layout_whitespace,
)
from app.services.tasks import add_task
from app.services.timeline import Actor
from tests.summary.conftest import book, pdf_fonts, pdf_text, reader, resident

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)
DUTCH_LONG_DATE = (
    r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d{1,2} "
    r"(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
    r"november|december)"
)
A4 = (595, 842)  # points, rounded


def make_pdf(bsn: str) -> bytes:
    who = resident(bsn)
    result = request_pdf(Viewer.for_resident(who), who, clock.today())
    assert isinstance(result, PdfReady)
    assert result.filename == pdf_filename(clock.today())
    return result.data


@pytest.mark.parametrize("demo", DEMO_RESIDENTS, ids=lambda d: d.first_name)
def test_pdf_is_accessible_and_short(app: Flask, seeded: None, tmp_path: Path, demo) -> None:  # type: ignore[no-untyped-def]
    data = make_pdf(demo.bsn)
    pdf = reader(data)
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]), "tagged"
    assert "/StructTreeRoot" in root, "has a structure tree"
    assert root["/Lang"] == "nl"
    name = f"{demo.first_name} {demo.last_name}"
    assert pdf.metadata is not None and name in str(pdf.metadata.title)
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]), "viewers show the title"
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp, "PDF/UA identification in the XMP metadata"
    assert 1 <= len(pdf.pages) <= 2, f"{len(pdf.pages)} pages"
    for page in pdf.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4
    text = pdf_text(data, tmp_path)
    assert name in text
    assert f"{clock.today().year}" in text, "the date made, with the year"
    assert "Mijn Overzicht" in text
    assert "Gemeente Rijnstad" in text or "Schuldhulpverlening Rijnstreek" in text
    assert "maandag tot en met vrijdag, 9.00 tot 17.00 uur" in text, "opening hours"
    assert "DigiD" in text, "how to use Mijn Overzicht"
    assert f"Page 1 of {len(pdf.pages)}" in text or f"Pagina 1 van {len(pdf.pages)}" in text
    assert name in text.split("Page 1 of")[-1] or name in text.split("Pagina 1 van")[-1]
    fonts = pdf_fonts(data, tmp_path)
    assert fonts and all("DejaVu-Sans" in f[0] for f in fonts), f"the stylesheet's font: {fonts}"
    assert all(f[-5] == "yes" for f in fonts), f"every font embedded: {fonts}"


def test_red_pdf_says_what_to_do_with_long_dates(app: Flask, seeded: None, tmp_path: Path) -> None:
    text = pdf_text(make_pdf(RED), tmp_path)
    assert "Actie nodig van u" in text and "Wij zijn bezig" in text and "Klaar" in text
    assert "Uw dossier is rood: u moet 2 dingen doen." in text
    assert "Uitkeringsspecificatie van oktober sturen" in text
    assert "Bankafschrift van november sturen" in text
    assert re.search(DUTCH_LONG_DATE, text), text
    assert "Uw huurcontract bekijken" in text, "what the organisations are doing"
    assert "info@schuldhulp-rijnstreek.example.nl" in text
    assert "0172 46 59 00" in text
    assert "No appointments are planned." in text or "Er zijn geen afspraken" in text
    assert "Groene Hart Wonen" not in text, "only the organisations in this dossier"


def test_overdue_pdf_says_late_in_words(app: Flask, seeded: None, tmp_path: Path) -> None:
    text = pdf_text(make_pdf(OVERDUE), tmp_path)
    assert "Bankafschrift van september sturen" in text
    assert re.search(r"(Te laat|Late)", text)


def test_long_history_still_fits(app: Flask, seeded: None, tmp_path: Path) -> None:
    data = make_pdf(LONG)
    assert len(reader(data).pages) <= 2
    text = pdf_text(data, tmp_path)
    assert "Uitkeringsspecificatie van november sturen" in text
    assert "Uitkeringsspecificatie van oktober sturen" not in text, "done items are not listed"


def test_english_resident_gets_english(app: Flask, seeded: None, tmp_path: Path) -> None:
    who = resident(RED)
    who.language = "en"
    db.session.commit()
    data = make_pdf(RED)
    assert reader(data).trailer["/Root"]["/Lang"] == "en"
    text = pdf_text(data, tmp_path)
    assert "What you need to do" in text
    assert "Action needed from you" in text
    assert re.search(
        r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} "
        r"[A-Z][a-z]+",
        text,
    ), "English long dates"


def test_the_demo_appointment_says_when_how_and_who_calls(
    app: Flask, seeded: None, tmp_path: Path
) -> None:
    who = resident(LONG)
    assert who.dossier is not None
    [booked] = [a for a in appointments_of(who.dossier) if a.is_booked]
    text = pdf_text(make_pdf(LONG), tmp_path)
    part = text.split("Uw volgende afspraken")[1].split("Contactgegevens")[0]
    local = booked.slot.starts_at.astimezone(clock.AMSTERDAM)
    assert re.search(DUTCH_LONG_DATE + rf"( \d{{4}})? om {local:%H.%M} uur", part), part
    assert "Telefonisch." in part, "the channel"
    assert "M. Bakker (Schuldhulpverlening Rijnstreek) belt u." in part, "who calls"
    assert "Leg uw brieven over schulden klaar." in part, "what to bring"
    assert "Geld en schulden" in part, "what it is about"
    assert "0172 46 59 00" in part, "whom to call with questions"
    assert "Er zijn geen afspraken" not in part
    # The booking's Task is the same appointment: not listed again with the organisations' work.
    assert "Afspraak: Geld en schulden" not in text


def test_a_desk_appointment_says_where_and_with_whom(
    app: Flask, seeded: None, tmp_path: Path
) -> None:
    booked = book(GREEN, Channel.DESK)
    text = pdf_text(make_pdf(GREEN), tmp_path)
    part = text.split("Uw volgende afspraken")[1].split("Contactgegevens")[0]
    assert re.search(DUTCH_LONG_DATE, part), part
    assert f"{booked.slot.starts_at.astimezone(clock.AMSTERDAM):%H.%M} uur" in part
    assert "Aan de balie." in part
    assert "Adres: Stadhuisplein 1, Rijnstad. Meld u bij de balie." in part, "where"
    assert re.search(r"(With|Met) P\. Jansen (from|van) Gemeente Rijnstad", part), "with whom"
    assert "Neem mee: Neem uw identiteitsbewijs mee." in part
    assert booked.task is not None and booked.task.title not in text, "listed once"


def test_cancelled_and_past_appointments_are_not_listed(
    app: Flask, seeded: None, tmp_path: Path
) -> None:
    cancelled = book(GREEN, Channel.DESK)
    dossier = resident(GREEN).dossier
    assert dossier is not None
    with force_locale("nl"):
        cancel_appointment(dossier, cancelled, actor=Actor.resident())
    past = book(GREEN)
    past.slot.starts_at = clock.now() - timedelta(days=2)  # it took place
    db.session.commit()
    with force_locale("nl"):
        summary = build_summary(resident(GREEN), clock.today())
    assert summary.appointments == [] and summary.appointments_more == 0
    text = pdf_text(make_pdf(GREEN), tmp_path)
    assert "Er zijn geen afspraken gepland." in text
    assert "Meld u bij de balie" not in text and "belt u" not in text


def test_only_upcoming_booked_appointments_soonest_first(app: Flask, seeded: None) -> None:
    later = book(GREEN)
    sooner = book(GREEN)
    if sooner.slot.starts_at > later.slot.starts_at:
        sooner, later = later, sooner
    with force_locale("nl"):
        summary = build_summary(resident(GREEN), clock.today())
        tight = build_summary(resident(GREEN), clock.today(), Limits(appointments=1))
    assert [a.id for a in summary.appointments] == [sooner.id, later.id]
    assert [a.id for a in tight.appointments] == [sooner.id]
    assert tight.appointments_more == 1, "what did not fit is counted"


def test_a_very_full_dossier_stays_on_two_pages(app: Flask, seeded: None, tmp_path: Path) -> None:
    who = resident(OVERDUE)
    assert who.dossier is not None
    orgs = who.dossier.organisations
    today = clock.today()
    for i in range(9):
        add_task(
            who.dossier,
            kind=TaskKind.DOCUMENT,
            holder=Holder.RESIDENT,
            organisation=orgs[i % 3],
            due_date=today + timedelta(days=i),
            title=f"Een heel lang document met een lange naam nummer {i} sturen",
            actor=Actor.system(orgs[0]),
        )
        add_task(
            who.dossier,
            kind=TaskKind.STEP,
            holder=Holder.ORGANISATION,
            organisation=orgs[i % 3],
            due_date=today + timedelta(days=i),
            title=f"Uw aanvraag nummer {i} bekijken",
            actor=Actor.system(orgs[0]),
        )
    db.session.commit()
    for _ in range(6):
        book(OVERDUE)
    data = make_pdf(OVERDUE)
    assert len(reader(data).pages) <= 2
    text = pdf_text(data, tmp_path)
    assert re.search(r"(And \d+ more|En nog \d+)", text), "what did not fit is counted"


def font_sizes(data: bytes) -> dict[str, float]:
    """Each text run of the first page with its size in points, as a PDF reader sees it."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size) -> None:  # type: ignore[no-untyped-def]
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            sizes[text.strip()] = round(font_size * scale, 1)

    reader(data).pages[0].extract_text(visitor_text=visit)
    return sizes


def test_large_print(app: Flask, seeded: None) -> None:
    sizes = font_sizes(make_pdf(RED))
    body = [v for k, v in sizes.items() if "Uitkeringsspecificatie" in k or "Voor " in k]
    assert body and min(body) >= 16, sizes
    assert min(sizes.values()) >= 12, "even the page footer is at least 12 pt"


def test_extra_large_letters_are_a_choice(app: Flask, seeded: None) -> None:
    who = resident(RED)
    big = request_pdf(Viewer.for_resident(who), who, clock.today(), "groot")
    assert isinstance(big, PdfReady)
    sizes = font_sizes(big.data)
    body = [v for k, v in sizes.items() if "Uitkeringsspecificatie" in k or "Voor " in k]
    assert body and min(body) >= 18, sizes
    assert big.data != make_pdf(RED), "each size is its own file (and cache entry)"
    assert len(reader(big.data).pages) <= 2


@pytest.mark.parametrize("letters", ["normaal", "groot"])
def test_the_three_dots_stand_in_one_row(app: Flask, seeded: None, letters: str) -> None:
    who = resident(RED)
    result = request_pdf(Viewer.for_resident(who), who, clock.today(), letters)
    assert isinstance(result, PdfReady)
    heights: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size) -> None:  # type: ignore[no-untyped-def]
        if text.strip() in ("Wij zijn bezig", "Klaar"):
            heights[text.strip()] = round(tm[5] * cm[3] + cm[5], 1)

    reader(result.data).pages[0].extract_text(visitor_text=visit)
    assert len(heights) == 2 and len(set(heights.values())) == 1, heights


def structure(node, found: list[tuple[str, bool]]) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """(tag, has Alt) of every element in the PDF's structure tree."""
    node = node.get_object()
    if hasattr(node, "get") and node.get("/S") is not None:
        found.append((str(node["/S"]), "/Alt" in node))
    kids = node.get("/K") if hasattr(node, "get") else None
    if kids is None:
        return found
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
            structure(kid, found)
    return found


def test_structure_has_headings_lists_and_described_figures(app: Flask, seeded: None) -> None:
    root = reader(make_pdf(RED)).trailer["/Root"]
    tags = structure(root["/StructTreeRoot"], [])
    names = [t for t, _ in tags]
    assert names.count("/H1") == 1
    assert names.count("/H2") >= 5
    assert "/L" in names and "/LI" in names
    figures = [alt for t, alt in tags if t == "/Figure"]
    assert len(figures) == 3, "the three dots"
    assert all(figures), "each dot has an Alt text"


def tagged(node) -> list[tuple[str, list]]:  # type: ignore[no-untyped-def,type-arg]
    """The structure elements under `node`, each as (tag, its own elements)."""
    node = node.get_object()
    kids = node.get("/K") if hasattr(node, "get") else None
    found: list[tuple[str, list]] = []  # type: ignore[type-arg]
    for kid in (kids if isinstance(kids, list) else [kids]) if kids is not None else []:
        if not (hasattr(kid, "get_object") and hasattr(kid.get_object(), "get")):
            continue  # marked content, not an element
        element = kid.get_object()
        if element.get("/S") is None:
            found += tagged(element)
        else:
            found.append((str(element["/S"]), tagged(element)))
    return found


def every(tree: list[tuple[str, list]], tag: str) -> list[list]:  # type: ignore[type-arg]
    out = []
    for name, kids in tree:
        if name == tag:
            out.append(kids)
        out += every(kids, tag)
    return out


def test_lists_are_tagged_list_item_label_body(app: Flask, seeded: None) -> None:
    """PDF/UA: L holds LI, LI holds Lbl and/or LBody. The traffic light used to be three nested
    lists with no list items."""
    tree = tagged(reader(make_pdf(RED)).trailer["/Root"]["/StructTreeRoot"])
    lists = every(tree, "/L")
    assert lists
    for kids in lists:
        assert kids and {name for name, _ in kids} == {"/LI"}, [name for name, _ in kids]
        for _, parts in kids:
            assert parts and {name for name, _ in parts} <= {"/Lbl", "/LBody"}
    light = next(kids for kids in lists if every(kids, "/Figure"))
    assert len(light) == 3 and all(len(every(parts, "/Figure")) == 1 for _, parts in light)


def test_the_pdf_loads_nothing_but_its_fonts(app: Flask) -> None:
    from app.services.pdf_engine import FontsOnlyFetcher
    from app.services.summary_pdf import font_dir

    fetcher = FontsOnlyFetcher(font_dir())
    for url in ("http://127.0.0.1:1/tracker.png", "file:///etc/passwd", "data:,x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = (font_dir() / "DejaVuSans.ttf").resolve().as_uri()
    assert fetcher.fetch(font) is not None


def test_missing_fonts_are_named(app: Flask, tmp_path: Path) -> None:
    from app.services.summary_pdf import font_dir

    old = app.config["SUMMARY_FONT_DIR"]
    app.config["SUMMARY_FONT_DIR"] = str(tmp_path)
    try:
        with pytest.raises(RuntimeError, match="fonts-dejavu-core"):
            font_dir()
    finally:
        app.config["SUMMARY_FONT_DIR"] = old


def test_in_english_the_organisations_dutch_opening_hours_are_marked_dutch(
    app: Flask, seeded: None
) -> None:
    """The opening hours are the organisations' own Dutch words: on an English summary they
    carry lang="nl", so a screen reader switches voice (WCAG 3.1.2); on a Dutch one they do not."""
    from app.services.summary_pdf import pdf_html

    who = resident(RED)
    hours = who.dossier.organisations[0].opening_hours
    assert hours
    assert f'<span lang="nl">{hours}</span>' not in pdf_html(who, clock.today())
    who.language = "en"
    db.session.commit()
    assert f'<span lang="nl">{hours}</span>' in pdf_html(who, clock.today())


def test_only_whitespace_that_cannot_show_is_taken_out() -> None:
    text = '<strong>Telefonisch.</strong>\n    M. Bakker <span lang="nl">belt</span> u.'
    html = f"<ul>\n  <li>{text}\n  </li>\n</ul>\n<p>x</p>"
    assert without_layout_whitespace(html) == f"<ul><li>{text}</li></ul><p>x</p>"
