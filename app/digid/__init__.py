"""DigiD login over SAML 2.0 (pysaml2): the service provider and the built-in test IdP.

"design 1.6" in these modules means section 1.6 of docs/design/digid.md."""
