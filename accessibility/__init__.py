"""Accessibility tooling: the axe-core audit runner and layout checks (reflow, text size).

The accessibility statement's notes live in accessibility/STATEMENT.md.
"""
