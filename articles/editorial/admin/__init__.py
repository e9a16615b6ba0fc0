"""The editors' admin: releases (with their workflow, sharing and revision views), offices,
social links and tags. Importing this package registers them."""

from articles.editorial.admin import offices, releases, tags  # noqa: F401
