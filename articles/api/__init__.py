"""The read API for partner systems: live releases, their topics and offices as JSON under
/api/v1/, an OpenAPI document at /api/schema/ and a page for people at /api/ (README, "Read
API"). Read-only, live releases only (design rule 1), served through the page cache like the
public pages (design rule 9).

- `releases.py`: what it reads, always from `Release.objects.live()`; filters and cursors.
- `shapes.py`: how a release, an office and a topic are written.
- `schemas.py`: what is taken and given, for validation and the OpenAPI document.
- `endpoints.py`: the endpoints (django-ninja), the document and the page for people.
- `door.py`: every route's way in: read-only, CORS, the limit per client address.
- `urls.py`: the routes, each behind the door and the page cache.

Why django-ninja, by measurement: the detail endpoint (`GET /api/v1/releases/<id>/`, a release
with topics, a correction and a Spanish edition, among 10,000 on SQLite) was built both ways,
with Django REST framework 3.18 (a Serializer, APIView, the JSON renderer only) and with
django-ninja 1.7 (pydantic schemas), over the same queries, and served by gunicorn (2 sync
workers, DEBUG off, page cache off) on loopback under `wrk -t2 -c4 -d10s`, three rounds each,
alternating, three times, on a two-core machine other work was loading (hence the low figures).
Medians of the nine rounds: REST framework 26.4 requests a second (p50 151 ms), ninja 32.3
(p50 121 ms); ninja was ahead in every round. In process, writing the answer costs 0.63 ms with
the Serializer and renderer, 0.20 ms with pydantic. The difference is small beside the queries,
but ninja is also the one better kept here: one declaration gives validation, the 400s and the
OpenAPI document, where REST framework needs drf-spectacular beside it, and its session
authentication and browsable renderer switched off so that no answer varies on the cookie (which
would keep every answer out of the page cache).
"""
