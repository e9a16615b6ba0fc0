"""The site's health on the desk, for everyone signed in: when each timer last ran, and what
/readyz/ finds failing. A stopped timer says nothing by itself until a release misses its
minute; a sick cache only makes pages slower. Both belong where staff look every day."""

import datetime

from django.urls import reverse

from articles.desk import Panel, Place, Row
from articles.models import TimerRun
from pressoffice.observability import recent_readiness

# How long each timer may be quiet before the desk says it has stopped: publish_due runs every
# minute, trim_change_log every hour (deploy/systemd/).
TIMERS = {
    "publish_due": ("Publish timer", datetime.timedelta(minutes=5)),
    "trim_change_log": ("Change log trim", datetime.timedelta(hours=3)),
}


def health_rows(request, now):
    last = TimerRun.objects.last()
    rows = []
    for name, (label, quiet) in TIMERS.items():
        ran = last.get(name)
        if ran is None:
            rows.append(Row(f"{label}: never ran", "", flag="Stopped"))
        else:
            flag = "Stopped" if now - ran > quiet else ""
            rows.append(Row(f"{label}: last ran", "", ran, flag=flag))
    failing = [name for name, failed in recent_readiness().items() if failed]
    readyz = reverse("readyz")
    for name in failing:
        rows.append(Row(f"{name.capitalize()}: not answering", readyz, flag="Failing"))
    if not failing:
        rows.append(Row("Database, storage and caches answer", readyz))
    return rows


PANEL = Panel("health", "Site health", health_rows, Place.EVERYONE)
