"""The press corps: contacts in lists, and the embargoed press mailings Publishers send them
(embargo.py), with the notices that follow a release that moves or is withdrawn."""
