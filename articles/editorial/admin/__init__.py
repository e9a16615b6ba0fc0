"""The editors' admin: releases (with their workflow, clearance, sharing and revision views),
clearance routes, offices, social links, tags and redirects. Importing this package registers
them."""

from articles.editorial.admin import clearance, offices, redirects, releases, tags  # noqa: F401
