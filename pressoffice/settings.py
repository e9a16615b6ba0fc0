"""Settings for Press Office, read from the environment (see .env.example).

A `.env` file in the project folder (or at PRESSOFFICE_ENV_FILE) is loaded first when present;
real environment variables win.
Production (DEBUG off) refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

load_dotenv(os.environ.get("PRESSOFFICE_ENV_FILE", BASE_DIR / ".env"), override=False)


def env(name, default=None):
    """A setting from the environment; an empty value (`NAME=` in .env) counts as unset."""
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Put one in the environment or in .env "
        "(`make run` writes a random one for development)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used for absolute links in share links (and later feeds).
# Empty means "the host the request came to", which ALLOWED_HOSTS already restricts.
SITE_URL = env("SITE_URL", "").rstrip("/")
SITE_NAME = env("SITE_NAME", "Press Office")

INSTALLED_APPS = [
    "pressoffice.apps.PressOfficeAdminConfig",  # django.contrib.admin, the desk its home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "pressoffice.apps.TopicsConfig",  # taggit, its admin section named "Topics"
    "reversion",
    "django_prose_editor",
    "django_tasks",
    "django_tasks_db",
    # Before articles: the newsroom's roles (set after articles migrates) grant its permissions.
    "subscriptions",
    "articles",
    "staff",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "pressoffice",  # the project's own: commands (backup, restore), the desk's health panel
]

MIDDLEWARE = [
    # First: every log line of a request, and its response, carry the request's id.
    "pressoffice.observability.RequestIdMiddleware",
    "articles.public.languages.LanguageFromAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so cached pages get the headers too.
    "pressoffice.middleware.ContentSecurityPolicyMiddleware",
    "pressoffice.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag/304 for every page, cached or not; then the page cache, before anything that could
    # touch a session.
    "pressoffice.middleware.ConditionalGetMiddleware",
    # Counts the redirects served, cached or not (articles/public/moved.py).
    "articles.public.moved.RedirectHitsMiddleware",
    "articles.pagecache.caching.PublicPageCacheMiddleware",
    # Inside the page cache, which keeps its 301s: an old address's 404 becomes its redirect.
    "articles.public.moved.MovedAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "staff.sessions.StaffSessionMiddleware",
    "staff.factors.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the views' exceptions first: a database outage is a 503, not a 500.
    "pressoffice.middleware.DatabaseUnavailableMiddleware",
    # After everything that signs people in: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Brute-force lockout (staff/lockout.py): axes checks before the password is.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
STAFF_LOCKOUT_FAILURES = int(env("STAFF_LOCKOUT_FAILURES", "5"))
STAFF_LOCKOUT_MINUTES = int(env("STAFF_LOCKOUT_MINUTES", "15"))
STAFF_ADDRESS_LOCKOUT_FAILURES = int(env("STAFF_ADDRESS_LOCKOUT_FAILURES", "20"))
# Failures for one account from any addresses before it takes one attempt per delay.
STAFF_ACCOUNT_FAILURES = int(env("STAFF_ACCOUNT_FAILURES", "10"))
STAFF_ACCOUNT_DELAY_SECONDS = int(env("STAFF_ACCOUNT_DELAY_SECONDS", "60"))
# How many proxies in front of the app set X-Forwarded-For (0: trust only REMOTE_ADDR).
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0"))
AXES_FAILURE_LIMIT = STAFF_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=STAFF_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "staff.lockout.StaffLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "staff.addresses.counted_address"
# An attempt refused while paused is not counted: it would extend the pause, and a guesser
# could then keep an account's owner out for as long as they kept guessing.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "staff.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True

# Sign-in with a second factor (django-allauth's account and MFA apps; staff/factors.py).
# The admin's login page sends people to allauth's, which asks for the factor before the
# session is signed in. Nobody signs up: Administrators create accounts.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/admin/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
ACCOUNT_ADAPTER = "staff.factors.StaffAccountAdapter"
ACCOUNT_FORMS = {"login": "staff.factors.StaffLoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False  # sessions end with the browser (see above)
# Second-factor codes (staff/codes.py): a pending sign-in ends after STAFF_FACTOR_FAILURES
# wrong codes; allauth caps codes per account and per address over STAFF_LOCKOUT_MINUTES.
# Failed passwords are django-axes' to count (staff/lockout.py), and nginx limits the page.
STAFF_FACTOR_FAILURES = int(env("STAFF_FACTOR_FAILURES", "3"))
STAFF_FACTOR_CODES_PER_ACCOUNT = int(env("STAFF_FACTOR_CODES_PER_ACCOUNT", "5"))
STAFF_FACTOR_CODES_PER_ADDRESS = int(env("STAFF_FACTOR_CODES_PER_ADDRESS", "10"))
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": f"{STAFF_FACTOR_CODES_PER_ADDRESS}/{STAFF_LOCKOUT_MINUTES}m/ip,"
    f"{STAFF_FACTOR_CODES_PER_ACCOUNT}/{STAFF_LOCKOUT_MINUTES}m/key",
}
MFA_FORMS = {
    "authenticate": "staff.codes.AuthenticateForm",
    "reauthenticate": "staff.codes.ReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["webauthn", "totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_ALLOW_UNVERIFIED_EMAIL = True  # staff accounts need no e-mail address
# Passkeys need a secure origin; plain http://localhost is allowed in development only.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Every staff page needs a second factor; Writers may be given days to enrol (never
# Publishers or Administrators).
STAFF_SECOND_FACTOR_REQUIRED = env_bool("STAFF_SECOND_FACTOR_REQUIRED", True)
WRITER_FACTOR_GRACE_DAYS = int(env("WRITER_FACTOR_GRACE_DAYS", "0"))
# Enrolling a factor needs a one-time code from an Administrator (staff/enrolment.py).
STAFF_ENROLMENT_CODE_HOURS = int(env("STAFF_ENROLMENT_CODE_HOURS", "24"))

ROOT_URLCONF = "pressoffice.urls"

# Mail: SMTP through Django's backend (EMAIL_BACKEND may name django-anymail's for a provider);
# in development the worker prints mail instead, unless EMAIL_BACKEND says otherwise.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <alerts@localhost>")

# The task queue (django-tasks' database backend); `manage.py deliver` is its worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Readers' alerts (subscriptions/). What is kept, and how long, is in the README.
SUBSCRIPTION_CONFIRM_HOURS = int(env("SUBSCRIPTION_CONFIRM_HOURS", "48"))
SUBSCRIBER_RETENTION_DAYS = int(env("SUBSCRIBER_RETENTION_DAYS", "30"))
# Manage and unsubscribe links in mail work this long after the mail (README: why 90).
SUBSCRIPTION_LINK_DAYS = int(env("SUBSCRIPTION_LINK_DAYS", "90"))
SUBSCRIBE_LIMIT_PER_ADDRESS_DAY = int(env("SUBSCRIBE_LIMIT_PER_ADDRESS_DAY", "3"))
SUBSCRIBE_LIMIT_PER_CLIENT_HOUR = int(env("SUBSCRIBE_LIMIT_PER_CLIENT_HOUR", "20"))
# Sending (subscriptions/sending/delivery.py): rows a worker claims at once, how long its claim
# holds (after a crash, another worker resends only after this), retries of temporary refusals
# (back-off from ALERT_RETRY_SECONDS, doubling) and tries of permanent ones.
ALERT_BATCH_SIZE = int(env("ALERT_BATCH_SIZE", "50"))
ALERT_CLAIM_SECONDS = int(env("ALERT_CLAIM_SECONDS", "300"))
ALERT_RETRY_SECONDS = float(env("ALERT_RETRY_SECONDS", "60"))
ALERT_MAX_ATTEMPTS = int(env("ALERT_MAX_ATTEMPTS", "8"))
ALERT_PERMANENT_TRIES = int(env("ALERT_PERMANENT_TRIES", "3"))
ALERT_RECHECK_SECONDS = float(env("ALERT_RECHECK_SECONDS", "0.5"))
ALERT_SWEEP_SECONDS = float(env("ALERT_SWEEP_SECONDS", "60"))
# Partners' webhooks (subscriptions/webhooks/). Their signing secrets are encrypted with the
# Fernet keys in CHANNEL_SECRET_KEYS (comma-separated, newest first; the first encrypts, all
# decrypt): required when DEBUG is off (`manage.py check --deploy` says so; nothing webhook
# works without), derived from SECRET_KEY in DEBUG. Requests go only to public addresses,
# unless WEBHOOK_ALLOW_PRIVATE_HOSTS names the host, address or network; plain http only when
# WEBHOOK_ALLOW_HTTP. Retries of a temporary failure back off from WEBHOOK_RETRY_SECONDS,
# doubling, up to WEBHOOK_RETRY_MAX_SECONDS apart: 13 tries take about 20 hours. A worker
# claims WEBHOOK_BATCH_SIZE webhook rows a round (each may wait out the timeout).
CHANNEL_SECRET_KEYS = env_list("CHANNEL_SECRET_KEYS")
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_list("WEBHOOK_ALLOW_PRIVATE_HOSTS")
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_RETRY_SECONDS = float(env("WEBHOOK_RETRY_SECONDS", "30"))
WEBHOOK_RETRY_MAX_SECONDS = float(env("WEBHOOK_RETRY_MAX_SECONDS", "21600"))
WEBHOOK_MAX_ATTEMPTS = int(env("WEBHOOK_MAX_ATTEMPTS", "13"))
WEBHOOK_BATCH_SIZE = int(env("WEBHOOK_BATCH_SIZE", "10"))
# Social posts (subscriptions/social/): each account's credentials are encrypted with the same
# keys. A worker claims SOCIAL_BATCH_SIZE posts a round; a refusal for now (429, 5xx, the
# network unreachable) is tried again after SOCIAL_RETRY_SECONDS, doubling up to
# SOCIAL_RETRY_MAX_SECONDS (or the network's own reset time, if later), SOCIAL_MAX_ATTEMPTS
# times in all. A request to a network waits SOCIAL_TIMEOUT_SECONDS at most.
SOCIAL_BATCH_SIZE = int(env("SOCIAL_BATCH_SIZE", "5"))
SOCIAL_RETRY_SECONDS = float(env("SOCIAL_RETRY_SECONDS", "60"))
SOCIAL_RETRY_MAX_SECONDS = float(env("SOCIAL_RETRY_MAX_SECONDS", "3600"))
SOCIAL_MAX_ATTEMPTS = int(env("SOCIAL_MAX_ATTEMPTS", "10"))
SOCIAL_TIMEOUT_SECONDS = float(env("SOCIAL_TIMEOUT_SECONDS", "10"))

# The read API (articles/api/, django-ninja): requests a minute from one client address for
# answers the page cache could not give (then 429); 0 turns the limit off (the benchmark's load).
API_REQUESTS_PER_MINUTE = int(env("API_REQUESTS_PER_MINUTE", "60"))

TEMPLATES = [
    # Public pages (templates/public/, Jinja2, for speed: see articles/public/environment.py).
    # Listed first, so 404.html and 500.html come from here too.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "public"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "articles.public.environment.environment",
            "context_processors": ["articles.public.context_processors.site"],
        },
    },
    # The admin and the XML sitemaps.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.public.context_processors.site",
            ],
        },
    },
]

# Django's form renderer, plus the admin widget templates in templates/admin/widgets/ (see
# articles/editorial/accessibility.py).
FORM_RENDERER = "articles.editorial.accessibility.FormRenderer"

WSGI_APPLICATION = "pressoffice.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite lets one connection write at a time. A transaction that reads before it writes (every
# workflow step does) cannot queue for the lock once another writer is committing: SQLite
# refuses at once with "database is locked". Taking the write lock when the transaction begins
# makes every writer wait its turn, up to the timeout, while the alert worker and the site
# share the file.
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sessions (only staff sign in) end after a working day and when the browser closes.
SESSION_COOKIE_AGE = int(float(env("STAFF_SESSION_HOURS", "8")) * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Caches only ever speed things up: what is current is decided from the database
# (articles/pagecache/freshness.py), so each host may keep its own. "pages" holds rendered pages
# and fragments (memory, per process); "default" holds rate-limit counters (a file cache on
# this host). With REDIS_URL both live in Redis, shared by every host, with short timeouts and
# a circuit breaker (pressoffice/cache.py). Give Redis a memory limit and an eviction policy:
# maxmemory 512mb, maxmemory-policy allkeys-lru (README, "Running on several servers").
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
CACHE_DIR = Path(env("CACHE_DIR", str(BASE_DIR / "var" / "cache")))
if CACHE_URL:
    _redis = {"BACKEND": "pressoffice.cache.ResilientRedisCache", "LOCATION": CACHE_URL}
    CACHES = {
        "default": {**_redis, "KEY_PREFIX": "shared"},
        "pages": {**_redis, "KEY_PREFIX": "pages"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(CACHE_DIR),
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# How often each process asks the database's change log what changed (at most once a second
# keeps every host within a second of every publish, withdrawal and correction).
PAGE_CACHE_RECHECK_SECONDS = float(env("PAGE_CACHE_RECHECK_SECONDS", "1"))
# The full-page cache for anonymous readers (articles/pagecache/caching.py), and how long a CDN or
# proxy may keep a public page: it cannot know the next embargo minute, so keep this short.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
# Site-wide facts (office, follow links, archive months, topics) computed once per content change.
FRAGMENT_CACHE_ENABLED = env_bool("FRAGMENT_CACHE", True)
PUBLIC_MAX_AGE = int(env("PUBLIC_MAX_AGE", "60"))
# In front of a shared (Redis) page cache, each process keeps this many MB of pages it served.
PAGE_CACHE_LOCAL_MB = int(env("PAGE_CACHE_LOCAL_MB", "32"))

# The office's zone: datelines, archive months and the admin use it; storage is UTC.
TIME_ZONE = env("TIME_ZONE", "America/New_York")
# Readers' languages: a release is written in one, and may have an edition in each other
# (articles/models/editions.py). The first is the site's own: its pages have no prefix (/news/…),
# each other's are under its code (/es/noticias/…), and staff pages are in it. Adding one needs
# a migration (the choices of Release.language) and a locale/<code>/ catalogue.
LANGUAGES = [("en", "English"), ("es", "Español")]
LANGUAGE_CODE = LANGUAGES[0][0]
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
# The office's working hours (office time, Monday to Friday): a clearance sign-off "due within 8
# working hours" counts only these.
CLEARANCE_WORKDAY = (
    int(env("CLEARANCE_WORKDAY_STARTS", "9")),
    int(env("CLEARANCE_WORKDAY_ENDS", "17")),
)
if not 0 <= CLEARANCE_WORKDAY[0] < CLEARANCE_WORKDAY[1] <= 24:
    raise ImproperlyConfigured(
        "CLEARANCE_WORKDAY_STARTS and _ENDS are hours, 0 to 24, the start before the end."
    )

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))


def s3_media(bucket, endpoint_url=None, region=None, access_key=None, secret_key=None):
    """Photos in an S3-compatible bucket (django-storages): private objects, never overwritten,
    and a bucket that is slow or down costs an upload at most a few seconds and a clear error
    (articles/photos/uploads.py), never a hung worker."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "default_acl": None,  # objects stay private: readers get renditions through the app
            "querystring_auth": False,
            "file_overwrite": False,
            "client_config": Config(
                connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"}
            ),
        },
    }


# Media on disk by default; in a bucket when MEDIA_BUCKET is set (docs/deploy.md, README).
MEDIA_BUCKET = env("MEDIA_BUCKET", "")
# Where readers fetch renditions: through the app (default, `/media/renditions/...`, served
# from whichever storage holds them), or a CDN/public URL in front of the bucket's renditions/.
MEDIA_PUBLIC_URL = env("MEDIA_PUBLIC_URL", "").rstrip("/")
STORAGES = {
    "default": (
        s3_media(
            MEDIA_BUCKET,
            endpoint_url=env("MEDIA_ENDPOINT_URL", ""),
            region=env("MEDIA_REGION", ""),
            access_key=env("MEDIA_ACCESS_KEY_ID", ""),
            secret_key=env("MEDIA_SECRET_ACCESS_KEY", ""),
        )
        if MEDIA_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Signs each backup's manifest (pressoffice/backups.py); the commands refuse to run without it.
BACKUP_KEY = env("BACKUP_KEY", "")

TAGGIT_CASE_INSENSITIVE = True

# Uploads: photos are checked against these before anything is stored (articles/photos/uploads.py).
IMAGE_MAX_BYTES = int(env("IMAGE_MAX_BYTES", str(20 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(env("IMAGE_MAX_PIXELS", str(40_000_000)))
# Request bounds: form fields (not files) in memory, files above 2.5 MB spill to a temp file,
# and one photo per request is all the admin needs (a few spare for future forms).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 10
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_PERMISSIONS = 0o644

# Production hardening; `manage.py check --deploy` passes with DEBUG off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        # Only behind a proxy that sets this header itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp). Public pages load nothing but our stylesheet, our photos
# and our favicon, and run no script, so the policy allows exactly that. Staff pages (the admin
# and sign-in) get STAFF_CONTENT_SECURITY_POLICY instead (pressoffice.middleware).
CSP_REPORT_PATH = "/csp-report/"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *([MEDIA_PUBLIC_URL] if MEDIA_PUBLIC_URL else [])],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "report-uri": [CSP_REPORT_PATH],
    },
}
STAFF_CSP_PREFIXES = ("/admin/", "/accounts/")
# Staff pages keep the public policy's framing, form, base and report rules, and add what the
# admin and sign-in need.
STAFF_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    # Scripts only from here, or inline with this response's nonce (the editor's import map).
    "script-src": ["'self'", NONCE],
    # The one exception: django-prose-editor injects <style> elements from its script, which
    # cannot carry a nonce.
    "style-src": ["'self'", "'unsafe-inline'"],
    # data: for the authenticator-app QR code on the sign-in pages.
    "img-src": [*CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"], "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
}
# Violation reports are logged, never stored; this many per client address and minute.
CSP_REPORTS_PER_MINUTE = int(env("CSP_REPORTS_PER_MINUTE", "20"))
CSP_REPORT_MAX_BYTES = 8 * 1024
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# One JSON object per line in production (LOG_FORMAT=json), text in development; every record
# carries the id of its request (pressoffice/observability.py).
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "pressoffice.observability.RequestIdFilter"},
        "scrub_tokens": {"()": "pressoffice.scrubbing.ScrubTokens"},
    },
    "formatters": {
        "json": {"()": "pressoffice.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id", "scrub_tokens"],
        }
    },
    # Django logs each 404 and CSRF refusal with its path: the token in a subscriber's or a
    # reviewer's link is hidden before any handler (mail to ADMINS, Sentry) sees the record.
    "loggers": {
        name: {"filters": ["scrub_tokens"]}
        for name in ("django.request", "django.security.csrf", "django.server")
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# Errors (unhandled exceptions, log records at ERROR) to Sentry when SENTRY_DSN is set; without
# it the SDK is never started. No personal data, no request bodies and no link tokens are sent.
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from pressoffice.scrubbing import scrub_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        # No token from a subscriber's, the press's or a reviewer's link: not in the request
        # URL, the breadcrumbs or anything else an event carries.
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        integrations=[DjangoIntegration()],
        environment=env("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
