"""Cache coherence, for every server and every editorial save: which surrogate keys exist
(keys.py), which of them a change touches (invalidation.py, logged in the change log of
articles/models/changes.py), whether a cached entry is still current (freshness.py), and the page
cache that asks it (caching.py). Readers' pages use it; nothing here renders a page."""
