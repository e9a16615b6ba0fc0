"""Posts to the office's social accounts at a release's minute (X, a Facebook Page, Bluesky,
Mastodon), sent by the same engine as alerts and webhooks."""
