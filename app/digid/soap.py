"""SOAP 1.1 envelopes and faults, composed as text so that signed XML inside keeps its bytes."""

from __future__ import annotations

import re

from lxml import etree

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


def strip_xml_declaration(xml: str) -> str:
    return _XML_DECL.sub("", xml)


def envelope(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}">'
        f"<soapenv:Body>{strip_xml_declaration(body)}</soapenv:Body></soapenv:Envelope>"
    )


def fault(code: str, message: str) -> str:
    """A SOAP fault; `code` is Client (the sender's message is wrong) or Server."""
    text = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return envelope(
        f"<soapenv:Fault><faultcode>soapenv:{code}</faultcode>"
        f"<faultstring>{text}</faultstring></soapenv:Fault>"
    )


def body_element(content: bytes, xpath: str, namespaces: dict[str, str]) -> etree._Element:
    """The single element at `xpath` in a SOAP message. Raises ValueError otherwise."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not XML ({type(exc).__name__})") from None
    found = root.xpath(xpath, namespaces=namespaces)
    if not isinstance(found, list) or len(found) != 1:
        raise ValueError("not exactly one message in the SOAP body")
    element = found[0]
    if not isinstance(element, etree._Element):
        raise ValueError("not an element")
    return element
