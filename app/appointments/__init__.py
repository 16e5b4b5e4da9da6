"""Appointments: book from free slots, move, cancel, add to a calendar."""
