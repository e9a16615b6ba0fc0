"""The editors' admin: releases (with their workflow, clearance, sharing and revision views),
clearance routes, offices, social links, tags, planned items and redirects. Importing this
package registers them."""

from articles.editorial.admin import (  # noqa: F401
    clearance,
    offices,
    planning,
    redirects,
    releases,
    tags,
)
