"""One settings file: embedded defaults run the demo, environment variables switch to real services.

Every variable is listed in `.env.example`.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.csp import CSP
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# Off unless asked for: a server started without DEBUG set must not show tracebacks and settings to the world.
# `make run` and `make demo` set DEBUG=True.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# Absolute origin used wherever a link leaves the site: emails, Open Badges ids, share links.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", default="badgeportal")
HTTPS = SITE_URL.startswith("https://")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "django_ratelimit",
    "badgeportal",  # the project's own commands (check_services)
    "auditlog",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the API docs page's scripts and styles, served by us
    "accounts",
    "outbox",
    "badges",
    "jobs",
    "support",
    "webhooks",
    "api",
]

MIDDLEWARE = [
    "badgeportal.metrics.RequestMetricsMiddleware",
    "badgeportal.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Names the signed-in user as the actor of audit-trail entries (django-auditlog).
    "badgeportal.middleware.AuditActorMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    # Turns django-ratelimit's refusal (a PermissionDenied) into RATELIMIT_VIEW's 429.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Answers 413 to a body over MAX_REQUEST_BYTES before anything reads it.
    "badgeportal.middleware.RequestSizeLimitMiddleware",
]

# The largest request anyone needs to send is a 2 MB badge image with its form. A larger declared body is
# refused with 413 before a byte of it is read; the proxy in front should refuse it first (README, Production).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=3 * 1024 * 1024)
# Whatever passes that cap is small enough to hold in memory: no temporary files for uploads.
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

ROOT_URLCONF = "badgeportal.urls"
WSGI_APPLICATION = "badgeportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "badgeportal.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when configured, is both the Celery broker and the cache. Without it tasks run
# in-process right after the transaction commits and the cache is local memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # The cache answers "not cached" when Redis is down (badgeportal/cache.py); the short socket timeouts
    # keep a Redis that hangs from holding every request for redis-py's default 5 seconds.
    CACHES = {
        "default": {
            "BACKEND": "badgeportal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database, which every node shares: a Redis restart never signs anyone out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Rate limits count in the cache. Django's own RedisCache increments atomically, though
# django-ratelimit only lists django-redis (W001); the per-process cache (E003) is fine for the demo.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if REDIS_URL else ["django_ratelimit.E003"])
# The dashboard's covering indexes (`include`) are PostgreSQL's; SQLite (the demo) builds them without it.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS.append("models.W040")
RATELIMIT_VIEW = "badgeportal.views.rate_limited"
# Behind a proxy, REMOTE_ADDR is the proxy's: rate limits (ours and allauth's) count by the client
# address the proxies report in X-Forwarded-For instead; see badgeportal/client_ip.py.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
RATELIMIT_IP_META_KEY = "badgeportal.client_ip.client_ip"

# With Redis down the rate limits let requests through rather than refuse everyone (README, "When Redis is
# down"). The cache already answers as an empty one then; this covers django-ratelimit's own check too.
RATELIMIT_FAIL_OPEN = True

# The outbox (outbox/services.py). A worker sends up to OUTBOX_BATCH_SIZE due emails over one SMTP
# connection, at most OUTBOX_SEND_RATE per second for the whole site (0: no limit). A failed email is
# retried after OUTBOX_RETRY_SECONDS, doubling up to OUTBOX_RETRY_MAX_SECONDS; one still failing after
# OUTBOX_FAIL_AFTER_SECONDS is marked failed for staff to retry. The beat looks for due emails every
# OUTBOX_SWEEP_SECONDS.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
OUTBOX_SEND_RATE = env.float("OUTBOX_SEND_RATE", default=0)
OUTBOX_RETRY_SECONDS = env.float("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=900)
OUTBOX_FAIL_AFTER_SECONDS = env.float("OUTBOX_FAIL_AFTER_SECONDS", default=3 * 24 * 3600)
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60)

# Public page views are counted in Redis and written to the database this often (badges/public/page_views.py).
PAGE_VIEWS_FLUSH_SECONDS = env.float("PAGE_VIEWS_FLUSH_SECONDS", default=300)

# Webhooks (webhooks/services.py), delivered from a table like the outbox. A failed delivery is retried after
# WEBHOOK_RETRY_SECONDS, doubling up to WEBHOOK_RETRY_MAX_SECONDS, for WEBHOOK_FAIL_AFTER_SECONDS (a day); an
# endpoint failing that long is switched off and staff are emailed. WEBHOOK_TIMEOUT: seconds per attempt.
WEBHOOK_BATCH_SIZE = env.int("WEBHOOK_BATCH_SIZE", default=50)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_RETRY_SECONDS = env.float("WEBHOOK_RETRY_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3600)
WEBHOOK_FAIL_AFTER_SECONDS = env.float("WEBHOOK_FAIL_AFTER_SECONDS", default=24 * 3600)
WEBHOOK_SWEEP_SECONDS = env.float("WEBHOOK_SWEEP_SECONDS", default=30)
# Endpoints are https:// only unless WEBHOOK_ALLOW_HTTP (development). Private, loopback and link-local
# addresses are refused, checked after DNS and at connection time, except the `address:port` pairs listed.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_ALLOW_PRIVATE = env.list("WEBHOOK_ALLOW_PRIVATE", default=[])

# The issuer API (api/). Requests per API key, counted in the shared cache: API_RATE_LIMIT requests per
# API_RATE_WINDOW seconds. Idempotency keys are kept API_IDEMPOTENCY_HOURS. A batch holds at most
# API_BATCH_MAX_ITEMS awards.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=600)
API_RATE_WINDOW = env.int("API_RATE_WINDOW", default=60)
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)
API_BATCH_MAX_ITEMS = env.int("API_BATCH_MAX_ITEMS", default=1000)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} issuer API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.document_limits"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Award imports (badges/imports): the largest file and the most rows one import takes. The upload page is
# the one request allowed past MAX_REQUEST_BYTES, up to AWARD_IMPORT_MAX_BYTES (README, "Importing awards").
AWARD_IMPORT_MAX_BYTES = env.int("AWARD_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
AWARD_IMPORT_MAX_ROWS = env.int("AWARD_IMPORT_MAX_ROWS", default=100_000)
# How often the beat queues again imports confirmed but unfinished (their task lost with Redis, their worker
# killed); one is taken to be stalled once confirmed that long ago.
AWARD_IMPORT_RESUME_SECONDS = env.float("AWARD_IMPORT_RESUME_SECONDS", default=60)

CELERY_BROKER_URL = REDIS_URL or "memory://"
if REDIS_URL:
    # kombu's Redis transport with a fix for the worker exiting when Redis drops (badgeportal/broker.py).
    CELERY_BROKER_TRANSPORT = "badgeportal.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# Each kind of work has its own queue, so a long run of one (100,000 claim emails after an import) never
# starves another (the sweep, a job refresh). A worker started without -Q consumes them all; production
# runs a worker per queue group (README, "Running on several machines").
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "emails", "imports", "webhooks", "jobs")]
CELERY_TASK_DEFAULT_QUEUE = "default"
# Task modules inside an app's sub-packages, which `autodiscover_tasks()` (it looks for `<app>.tasks`) misses.
CELERY_IMPORTS = ["badges.awards.tasks", "badges.imports.tasks"]
CELERY_TASK_ROUTES = {
    "badges.imports.tasks.*": {"queue": "imports"},
    "outbox.tasks.*": {"queue": "emails"},
    "jobs.tasks.*": {"queue": "jobs"},
    "webhooks.tasks.*": {"queue": "webhooks"},
}

# A worker started before Redis (a reboot, systemd starting units in parallel) waits for it.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task already running when Redis drops keeps running: the outbox sweep needs only PostgreSQL and SMTP.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Publishing tries twice at once and gives up, instead of holding the request for Celery's default 0.6 s
# of retries: what a task is queued for is also in the database (an outbox row, a job source's schedule),
# where a periodic task finds it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
# Run exactly one beat. A second one started by mistake waits while the first holds a lock in Redis (renewed
# every BEAT_LOCK_SECONDS / 3), and takes over within BEAT_LOCK_SECONDS of the first one dying
# (badgeportal/beat.py).
CELERY_BEAT_SCHEDULER = "badgeportal.beat:LockedScheduler"
BEAT_LOCK_SECONDS = env.float("BEAT_LOCK_SECONDS", default=30)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.tasks.outbox_sweep", "schedule": OUTBOX_SWEEP_SECONDS},
    "jobs-tick": {"task": "jobs.tasks.jobs_tick", "schedule": 60.0},
    "data-exports-purge": {"task": "accounts.tasks.data_exports_purge", "schedule": 3600.0},
    "awards-expiry-sweep": {"task": "badges.awards.tasks.awards_expiry_sweep", "schedule": 3600.0},
    # Hourly, though reminders are counted in days: a missed run is caught up by the next, and each reminder
    # goes once (a database constraint), so running often costs a few queries and sends nothing twice.
    "award-reminders-sweep": {"task": "badges.awards.tasks.award_reminders_sweep", "schedule": 3600.0},
    "page-views-flush": {"task": "badges.awards.tasks.page_views_flush_task", "schedule": PAGE_VIEWS_FLUSH_SECONDS},
    "webhooks-sweep": {"task": "webhooks.tasks.webhooks_sweep", "schedule": WEBHOOK_SWEEP_SECONDS},
    "api-idempotency-purge": {"task": "api.tasks.idempotency_keys_purge", "schedule": 3600.0},
    "award-imports-resume": {
        "task": "badges.imports.tasks.award_imports_resume",
        "schedule": AWARD_IMPORT_RESUME_SECONDS,
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "wallet"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_FORMS = {"signup": "accounts.signup.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 10
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"

# Sign-in with Microsoft and LinkedIn through allauth's OpenID Connect provider; each button appears once
# its client id is set. A provider's address collects badges only when the provider marks it verified
# (`email_verified`); otherwise it is confirmed by email like any other address.
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
# An address that already belongs to an account never signs in to it through a provider: the owner is
# told by email, signs in with their password and connects the provider from their account page.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# "consumers" (personal Microsoft accounts) or one organisation's tenant id. "common" and "organizations"
# publish no single issuer, and allauth checks the ID token's issuer against the published one.
MICROSOFT_OIDC_TENANT = env("MICROSOFT_OIDC_TENANT", default="consumers")


def _oidc_apps(provider_id, name, server_url, **app_settings):
    client_id = env(f"{provider_id.upper()}_OIDC_CLIENT_ID", default="")
    if not client_id:
        return []
    secret = env(f"{provider_id.upper()}_OIDC_CLIENT_SECRET", default="")
    return [
        {
            "provider_id": provider_id,
            "name": name,
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": server_url, **app_settings},
        }
    ]


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": _oidc_apps(
            "microsoft",
            "Microsoft",
            f"https://login.microsoftonline.com/{MICROSOFT_OIDC_TENANT}/v2.0",
            oauth_pkce_enabled=True,
        )
        + _oidc_apps("linkedin", "LinkedIn", "https://www.linkedin.com/oauth"),
    }
}
# Failed sign-ins, in allauth's rate syntax: strict per client address, looser per account, each
# tier a longer wait. A browser that has signed in to the account before counts against a budget
# of its own, so a stranger's failures never lock the owner out of it (accounts/known_devices.py).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_FAILED_RATE_LIMITS", default="10/5m/ip,30/h/ip,100/d/ip,20/15m/key,60/h/key,150/d/key"),
}
KNOWN_DEVICE_DAYS = env.int("KNOWN_DEVICE_DAYS", default=180)
# The owner is emailed once a day when their account sees this many failed sign-ins (0: never).
LOGIN_FAILURE_ALERT_THRESHOLD = env.int("LOGIN_FAILURE_ALERT_THRESHOLD", default=10)

# Two-factor authentication for everyone who wants it; staff must have it to open the admin.
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)

# EMAIL_URL: consolemail:// (default, printed where the process runs), smtp://user:pass@host:port,
# smtp+tls://... or smtp+ssl://...
_email = env.email_url("EMAIL_URL", default="consolemail://localhost")
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": env.int("EMAIL_TIMEOUT", default=20),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# How long an emailed claim link works.
CLAIM_LINK_DAYS = env.int("CLAIM_LINK_DAYS", default=30)
# Minutes a claim started on the claim page waits for the sign-up or sign-in it led to; a claim left
# unfinished in a shared browser must not go to whoever signs in there later.
CLAIM_SESSION_MINUTES = env.int("CLAIM_SESSION_MINUTES", default=15)
# Claim link attempts allowed per client address; guessing tokens is pointless, but cheap to slow.
CLAIM_RATE_LIMIT = env("CLAIM_RATE_LIMIT", default="30/m")
# Share-by-email: sends per earner (each to up to 10 addresses), then emails per earner and emails to any one
# address (from all earners) over the last 24 hours.
SHARE_EMAIL_RATE_LIMIT = env("SHARE_EMAIL_RATE_LIMIT", default="10/h")
SHARE_EMAIL_DAILY_LIMIT = env.int("SHARE_EMAIL_DAILY_LIMIT", default=30)
SHARE_EMAIL_RECIPIENT_DAILY_LIMIT = env.int("SHARE_EMAIL_RECIPIENT_DAILY_LIMIT", default=3)
# Badge verification reads our own badges' data directly and fetches only other issuers' (OB 2.0 hosted
# assertions): one deadline in seconds per document (lookup, connect, redirects, body) and a size cap. Private,
# loopback and link-local addresses are refused, except the `address:port` pairs listed (tests list a local fake).
VERIFY_RATE_LIMIT = env("VERIFY_RATE_LIMIT", default="20/m")
VERIFY_FETCH_TIMEOUT = env.float("VERIFY_FETCH_TIMEOUT", default=3.0)
VERIFY_FETCH_MAX_BYTES = env.int("VERIFY_FETCH_MAX_BYTES", default=1024 * 1024)
VERIFY_FETCH_ALLOW_PRIVATE = env.list("VERIFY_FETCH_ALLOW_PRIVATE", default=[])
# Transcript and certificate PDFs drawn per client address: each costs 0.1-0.4 s of CPU (bench/pdf/run.py).
PDF_RATE_LIMIT = env("PDF_RATE_LIMIT", default="30/m")

# Who is emailed when a support request arrives (comma-separated); empty: every active staff member.
SUPPORT_NOTIFY_EMAILS = env.list("SUPPORT_NOTIFY_EMAILS", default=[])

# An earner's data export: how long its download link works, and how many an account may ask for.
DATA_EXPORT_LINK_DAYS = env.int("DATA_EXPORT_LINK_DAYS", default=7)
DATA_EXPORT_RATE_LIMIT = env("DATA_EXPORT_RATE_LIMIT", default="3/d")

# Jobs and salary data. A job API is used only when its keys are set; the bundled sample always works.
# The catalog and labour-market CSV files the loaders read (`import_catalog`, `import_labor_data`, `load_demo`).
DATA_DIR = env.path("DATA_DIR", default=BASE_DIR / "data")
JOBS_DATA_DIR = env.path("JOBS_DATA_DIR", default=DATA_DIR)
USAJOBS_API_KEY = env("USAJOBS_API_KEY", default="")
USAJOBS_EMAIL = env("USAJOBS_EMAIL", default="")
USAJOBS_BASE_URL = env("USAJOBS_BASE_URL", default="https://data.usajobs.gov/api/Search")
ADZUNA_APP_ID = env("ADZUNA_APP_ID", default="")
ADZUNA_APP_KEY = env("ADZUNA_APP_KEY", default="")
ADZUNA_COUNTRY = env("ADZUNA_COUNTRY", default="us")
ADZUNA_BASE_URL = env("ADZUNA_BASE_URL", default="https://api.adzuna.com/v1/api/jobs")
JOBS_HTTP_TIMEOUT = env.float("JOBS_HTTP_TIMEOUT", default=10.0)
JOBS_HTTP_ATTEMPTS = env.int("JOBS_HTTP_ATTEMPTS", default=4)
JOBS_HTTP_BACKOFF = env.float("JOBS_HTTP_BACKOFF", default=2.0)  # seconds, doubled per retry
JOBS_HTTP_MAX_WAIT = env.float("JOBS_HTTP_MAX_WAIT", default=60.0)  # cap on Retry-After and backoff
JOBS_RESULTS_PER_PAGE = env.int("JOBS_RESULTS_PER_PAGE", default=50)
JOBS_MAX_PAGES = env.int("JOBS_MAX_PAGES", default=5)
JOBS_CLOSED_RETENTION_DAYS = env.int("JOBS_CLOSED_RETENTION_DAYS", default=30)
# A posting published longer ago than this is no longer called open: the Jobs tab lists it apart, as a
# dated sample (the bundled postings are mostly years old).
JOBS_FRESH_DAYS = env.int("JOBS_FRESH_DAYS", default=60)
# How long the Jobs tab keeps a search's matches in the cache. They are keyed by the postings' version, so a
# refresh is seen at once whatever this is; it only bounds how long entries of older versions linger.
JOBS_SEARCH_CACHE_SECONDS = env.int("JOBS_SEARCH_CACHE_SECONDS", default=3600)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves hashed, compressed files after `collectstatic`; development serves them as they are.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Media (badge images, issuer logos) on S3-compatible object storage when S3_BUCKET is set, so that every
# web node sees the same files; the local disk (MEDIA_ROOT) otherwise. The bucket's objects must be readable
# at their URLs (a public bucket, or a CDN or proxy in front of a private one, named by S3_PUBLIC_DOMAIN):
# Open Badges documents publish the image URL, which must not expire.
S3_BUCKET = env("S3_BUCKET", default="")
S3_ENDPOINT_URL = env("S3_ENDPOINT_URL", default="")
S3_PUBLIC_DOMAIN = env("S3_PUBLIC_DOMAIN", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "region_name": env("S3_REGION", default=None),
            "custom_domain": S3_PUBLIC_DOMAIN or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# Security. Production sets SITE_URL to an https origin and these follow.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = [SITE_URL]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def media_origins(bucket, endpoint_url, public_domain):
    """Where media URLs point when they live in object storage: the page's CSP must allow them."""
    if not bucket:
        return []
    if public_domain:
        return [f"https://{public_domain}"]
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    return ["https://*.amazonaws.com"]


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # Badge images come from object storage when it is configured (see S3_BUCKET).
    "img-src": [CSP.SELF, "data:", *media_origins(S3_BUCKET, S3_ENDPOINT_URL, S3_PUBLIC_DOMAIN)],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# LOG_FORMAT=json writes one JSON object a line, for log collectors; every line carries the request id
# (also inside the Celery tasks a request enqueued).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "badgeportal.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# /metrics (Prometheus) answers a scraper showing this bearer token, or coming from these addresses or
# networks; with neither set it is off. Under gunicorn, set PROMETHEUS_MULTIPROC_DIR to an empty directory
# so every worker's request metrics are added up.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
