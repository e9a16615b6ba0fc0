"""The editors' admin: releases (with their workflow, clearance, sharing and revision views),
clearance routes, offices, social links and tags. Importing this package registers them."""

from articles.editorial.admin import clearance, offices, releases, tags  # noqa: F401
