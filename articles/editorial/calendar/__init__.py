"""The planning calendar: what happens when (articles/agenda.py) by month, week or agenda in
office time, rescheduling through the workflow's Schedule step, planned items opened as drafts,
and each person's private iCalendar feed of the same moments."""
