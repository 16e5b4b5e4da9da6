"""The printable summary: HTML print view and accessible PDF of the resident's overview."""
