"""The resident's live dossier timeline."""
