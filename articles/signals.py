"""What the workflow tells the rest of the project, after its transaction commits.

Every room that acts on a release's life (the page cache, readers' alerts, the press corps'
embargo notices, partners' webhooks) listens here instead of importing the workflow.
"""

from django.dispatch import Signal

# Sent once a release has gone live and its going-live steps are done (publishing now, or
# publish_due at the minute): purges and notifications connect here. Argument: release.
release_went_live = Signal()
# Sent after every step. Arguments: release, step (its name), user, from_state and
# previous_publish_at (the publish time it had): the press corps' embargo notices connect here.
release_stepped = Signal()
# Sent once a correction added to a published release has committed: webhooks connect here.
# Arguments: release, correction.
release_corrected = Signal()
