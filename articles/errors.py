"""The one error every room raises for a step a person may not take."""


class WorkflowError(Exception):
    """A step that is not allowed; the message is meant for the person who asked, and the
    admin shows it as it is."""
