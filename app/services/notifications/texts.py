"""Reminder texts: versioned data in Dutch (B1, 'u') and English. Rendering:
app.services.notifications.templates.

A notification pins (template, version) when it is planned, so a text changed later never alters
a reminder already planned. To change a text: add a new version and point CURRENT at it; never
edit a version that has been used. SMS texts must fit one GSM-7 SMS (160 characters) with the
longest date, and stay discreet: no amounts, no debt words, no document titles (a phone screen
is seen by others). E-mails may name the item, which the resident sees in the portal too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class TemplateText:
    sms: str
    subject: str
    # Paragraphs of the e-mail; the text part joins them with blank lines.
    paragraphs: tuple[str, ...]
    link_text: str


# (template, version) -> language -> text. Placeholders: {date} {time} {title} {organisation} {url}
TEMPLATES: dict[tuple[str, int], dict[str, TemplateText]] = {
    ("appointment-day-before", 1): {
        "nl": TemplateText(
            sms="Mijn Overzicht: u heeft een afspraak op {date} om {time}. "
            "Kunt u niet? Laat het ons weten via {url}",
            subject="Herinnering: uw afspraak op {date}",
            paragraphs=(
                "U heeft een afspraak met {organisation} op {date} om {time}.",
                "Over: {title}.",
                "Kunt u niet komen? Laat het ons zo snel mogelijk weten.",
            ),
            link_text="Bekijk uw afspraak in Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="Mijn Overzicht: you have an appointment on {date} at {time}. "
            "Cannot make it? Let us know at {url}",
            subject="Reminder: your appointment on {date}",
            paragraphs=(
                "You have an appointment with {organisation} on {date} at {time}.",
                "About: {title}.",
                "Cannot make it? Please let us know as soon as possible.",
            ),
            link_text="See your appointment in Mijn Overzicht",
        ),
    },
    ("appointment-soon", 1): {
        "nl": TemplateText(
            sms="Mijn Overzicht: vandaag om {time} heeft u een afspraak. Meer informatie: {url}",
            subject="Herinnering: vandaag om {time} uw afspraak",
            paragraphs=(
                "Vandaag om {time} heeft u een afspraak met {organisation}.",
                "Over: {title}.",
            ),
            link_text="Bekijk uw afspraak in Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="Mijn Overzicht: you have an appointment today at {time}. More information: {url}",
            subject="Reminder: your appointment today at {time}",
            paragraphs=(
                "Today at {time} you have an appointment with {organisation}.",
                "About: {title}.",
            ),
            link_text="See your appointment in Mijn Overzicht",
        ),
    },
    # Version 2: the e-mail also says how it happens and who does what ({how}).
    ("appointment-day-before", 2): {
        "nl": TemplateText(
            sms="Mijn Overzicht: u heeft een afspraak op {date} om {time}. "
            "Kunt u niet? Laat het ons weten via {url}",
            subject="Herinnering: uw afspraak op {date}",
            paragraphs=(
                "U heeft een afspraak met {organisation} op {date} om {time}.",
                "Over: {title}.",
                "{how}",
                "Kunt u niet komen? Laat het ons zo snel mogelijk weten.",
            ),
            link_text="Bekijk uw afspraak in Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="Mijn Overzicht: you have an appointment on {date} at {time}. "
            "Cannot make it? Let us know at {url}",
            subject="Reminder: your appointment on {date}",
            paragraphs=(
                "You have an appointment with {organisation} on {date} at {time}.",
                "About: {title}.",
                "{how}",
                "Cannot make it? Please let us know as soon as possible.",
            ),
            link_text="See your appointment in Mijn Overzicht",
        ),
    },
    ("appointment-soon", 2): {
        "nl": TemplateText(
            sms="Mijn Overzicht: vandaag om {time} heeft u een afspraak. Meer informatie: {url}",
            subject="Herinnering: vandaag om {time} uw afspraak",
            paragraphs=(
                "Vandaag om {time} heeft u een afspraak met {organisation}.",
                "Over: {title}.",
                "{how}",
            ),
            link_text="Bekijk uw afspraak in Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="Mijn Overzicht: you have an appointment today at {time}. More information: {url}",
            subject="Reminder: your appointment today at {time}",
            paragraphs=(
                "Today at {time} you have an appointment with {organisation}.",
                "About: {title}.",
                "{how}",
            ),
            link_text="See your appointment in Mijn Overzicht",
        ),
    },
    # A change notice: discreet everywhere outside the portal. The SMS and the subject name the
    # organisation and that something is waiting, never what; the e-mail lists the kinds of
    # change ({changes}: one paragraph each, see CHANGE_TEXTS), never a title or an amount.
    ("change-notice", 1): {
        "nl": TemplateText(
            sms="{organisation}: er staat iets nieuws voor u in Mijn Overzicht. Kijk op {url}",
            subject="{organisation}: er staat iets nieuws voor u in Mijn Overzicht",
            paragraphs=(
                "Er is iets veranderd in uw dossier bij {organisation}.",
                "{changes}",
                "Kijk in Mijn Overzicht wat er nieuw is.",
            ),
            link_text="Naar Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="{organisation}: there is something new for you in Mijn Overzicht. See {url}",
            subject="{organisation}: there is something new for you in Mijn Overzicht",
            paragraphs=(
                "Something changed in your dossier with {organisation}.",
                "{changes}",
                "Look in Mijn Overzicht to see what is new.",
            ),
            link_text="Go to Mijn Overzicht",
        ),
    },
    # Proving a new address (app.services.notifications.confirmation). {link}: the signed
    # confirmation link; {code}: the six-digit code.
    ("confirm-email", 1): {
        "nl": TemplateText(
            sms="",
            subject="Bevestig uw e-mailadres voor Mijn Overzicht",
            paragraphs=(
                "U heeft dit e-mailadres opgegeven in Mijn Overzicht.",
                "Klik op de link om te laten zien dat het van u is. De link werkt 2 dagen.",
                "Heeft u dit niet zelf gedaan? Dan hoeft u niets te doen.",
            ),
            link_text="Bevestig mijn e-mailadres",
        ),
        "en": TemplateText(
            sms="",
            subject="Confirm your e-mail address for Mijn Overzicht",
            paragraphs=(
                "You gave this e-mail address in Mijn Overzicht.",
                "Use the link to show that it is yours. The link works for 2 days.",
                "Did you not do this yourself? Then you do not need to do anything.",
            ),
            link_text="Confirm my e-mail address",
        ),
    },
    ("confirm-sms", 1): {
        "nl": TemplateText(
            sms="Mijn Overzicht: uw code is {code}. Vul de code in bij Mijn gegevens. "
            "De code werkt 15 minuten.",
            subject="Uw code voor Mijn Overzicht",
            paragraphs=("Uw code is {code}.",),
            link_text="Naar Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="Mijn Overzicht: your code is {code}. Enter it on the My details page. "
            "The code works for 15 minutes.",
            subject="Your code for Mijn Overzicht",
            paragraphs=("Your code is {code}.",),
            link_text="Go to Mijn Overzicht",
        ),
    },
    ("document-due-soon", 1): {
        "nl": TemplateText(
            sms="Mijn Overzicht: wilt u uiterlijk {date} een document sturen? Kijk op {url}",
            subject="Herinnering: stuur uiterlijk {date} uw document",
            paragraphs=(
                "{organisation} heeft dit van u nodig: {title}.",
                "Stuur het uiterlijk {date}.",
                "Lukt dat niet? Neem dan contact met ons op.",
            ),
            link_text="Stuur het via Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="Mijn Overzicht: please send a document by {date}. See {url}",
            subject="Reminder: please send your document by {date}",
            paragraphs=(
                "{organisation} needs this from you: {title}.",
                "Please send it by {date}.",
                "Is that not possible? Please contact us.",
            ),
            link_text="Send it through Mijn Overzicht",
        ),
    },
    ("document-due-today", 1): {
        "nl": TemplateText(
            sms="Mijn Overzicht: vandaag is de laatste dag om een document te sturen. "
            "Kijk op {url}",
            subject="Herinnering: stuur vandaag uw document",
            paragraphs=(
                "{organisation} heeft dit vandaag van u nodig: {title}.",
                "Lukt dat niet? Neem dan contact met ons op.",
            ),
            link_text="Stuur het via Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="Mijn Overzicht: today is the last day to send a document. See {url}",
            subject="Reminder: please send your document today",
            paragraphs=(
                "{organisation} needs this from you today: {title}.",
                "Is that not possible? Please contact us.",
            ),
            link_text="Send it through Mijn Overzicht",
        ),
    },
    ("document-overdue", 1): {
        "nl": TemplateText(
            sms="Mijn Overzicht: wij wachten nog op een document van u. Kijk op {url}",
            subject="Wij wachten nog op uw document",
            paragraphs=(
                "{organisation} wacht nog op dit document: {title}.",
                "Het moest uiterlijk {date} binnen zijn. Stuur het zo snel mogelijk.",
                "Lukt dat niet? Neem dan contact met ons op. Wij helpen u graag.",
            ),
            link_text="Stuur het via Mijn Overzicht",
        ),
        "en": TemplateText(
            sms="Mijn Overzicht: we are still waiting for a document from you. See {url}",
            subject="We are still waiting for your document",
            paragraphs=(
                "{organisation} is still waiting for this document: {title}.",
                "It was due on {date}. Please send it as soon as you can.",
                "Is that not possible? Please contact us. We are happy to help.",
            ),
            link_text="Send it through Mijn Overzicht",
        ),
    },
}


@dataclass(frozen=True)
class StopText:
    """The last lines of every reminder e-mail: how to stop them without logging in."""

    question: str
    # Text part: the URL goes on its own line after this (no full stop after a URL: mail
    # programs would take it as part of the link).
    go_to: str
    # HTML part: the words of the link.
    link_text: str


# Not versioned with the reminder texts: it belongs to the e-mail, not to one reminder, and
# is added when the e-mail is built, so a change here applies to every e-mail sent after it.
STOP_TEXTS: dict[str, StopText] = {
    "nl": StopText(
        question="Wilt u deze e-mails niet meer krijgen?",
        go_to="Ga dan naar:",
        link_text="Stop deze e-mails",
    ),
    "en": StopText(
        question="Do you no longer want these e-mails?",
        go_to="Then go to:",
        link_text="Stop these e-mails",
    ),
}

# One line per kind of change in a change notice e-mail (app.services.notifications.changes).
CHANGE_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "document-approved": "Een document dat u stuurde is goedgekeurd.",
        "document-rejected": "Een document dat u stuurde is niet goedgekeurd. "
        "U kunt een nieuw bestand sturen.",
        "question-answered": "Uw vraag is beantwoord.",
        "new-request": "Er is iets nieuws dat u moet doen.",
        "appointment-booked": "Er is een afspraak voor u gemaakt.",
        "appointment-moved": "Uw afspraak is verzet.",
        "appointment-cancelled": "Uw afspraak is afgezegd.",
        "message": "U heeft een bericht gekregen.",
    },
    "en": {
        "document-approved": "A document you sent was approved.",
        "document-rejected": "A document you sent was not approved. You can send a new file.",
        "question-answered": "Your question was answered.",
        "new-request": "There is something new you need to do.",
        "appointment-booked": "An appointment was made for you.",
        "appointment-moved": "Your appointment was moved.",
        "appointment-cancelled": "Your appointment was cancelled.",
        "message": "You got a message.",
    },
}
# Several organisations in one notice: the first one's name and this.
AND_OTHERS = {"nl": "{first} en anderen", "en": "{first} and others"}

# The versions with {contact}, a last paragraph with whom to call: the organisation's own phone
# number and opening hours (set by its beheerder), or the help line when it has none (see
# app.services.notifications.contact). Otherwise the same as the version before; the SMS too,
# as a number and opening hours do not fit in one SMS with the longest date and the link.
WITH_CONTACT: dict[tuple[str, int], tuple[str, int]] = {
    ("appointment-day-before", 3): ("appointment-day-before", 2),
    ("appointment-soon", 3): ("appointment-soon", 2),
    ("change-notice", 2): ("change-notice", 1),
    ("document-due-soon", 2): ("document-due-soon", 1),
    ("document-due-today", 2): ("document-due-today", 1),
    ("document-overdue", 2): ("document-overdue", 1),
}
TEMPLATES.update(
    {
        new: {
            lang: replace(text, paragraphs=(*text.paragraphs, "{contact}"))
            for lang, text in TEMPLATES[old].items()
        }
        for new, old in WITH_CONTACT.items()
    }
)

# The version new plans pin.
CURRENT: dict[str, int] = {
    "change-notice": 2,
    "confirm-email": 1,
    "confirm-sms": 1,
    "appointment-day-before": 3,
    "appointment-soon": 3,
    "document-due-soon": 2,
    "document-due-today": 2,
    "document-overdue": 2,
}

# How an appointment happens ({how}), by channel: who calls, where to go, or the video call.
HOW_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "phone": "{who} belt u.",
        "desk": "Kom naar: {location}.",
        "desk-with": "Kom naar: {location}. U spreekt met {with_whom}.",
        "video": "Het is een videogesprek. {location}",
        "video-no-link": "Het is een videogesprek. U krijgt de link op tijd.",
        "who": "{with_whom} van {organisation}",
    },
    "en": {
        "phone": "{who} will call you.",
        "desk": "Come to: {location}.",
        "desk-with": "Come to: {location}. You will see {with_whom}.",
        "video": "It is a video call. {location}",
        "video-no-link": "It is a video call. You will get the link in time.",
        "who": "{with_whom} from {organisation}",
    },
}


# Whom to call ({contact}): the organisation when it has a phone number, else the help line.
CONTACT_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "organisation": "Heeft u een vraag? Bel {name} op {phone} ({hours}).",
        "organisation-no-hours": "Heeft u een vraag? Bel {name} op {phone}.",
        "help": "Heeft u een vraag? Bel ons op {phone} ({hours}).",
        "help-no-hours": "Heeft u een vraag? Bel ons op {phone}.",
    },
    "en": {
        "organisation": "Do you have a question? Call {name} on {phone} ({hours}).",
        "organisation-no-hours": "Do you have a question? Call {name} on {phone}.",
        "help": "Do you have a question? Call us on {phone} ({hours}).",
        "help-no-hours": "Do you have a question? Call us on {phone}.",
    },
}
