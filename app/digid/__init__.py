"""DigiD login over SAML 2.0 (pysaml2): the service provider and the built-in test IdP."""
