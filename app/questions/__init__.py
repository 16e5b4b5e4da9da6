"""Questions to the organisations in the dossier, and their answers."""
