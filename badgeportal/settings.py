"""One settings file: embedded defaults run the demo, environment variables switch to real services.

Every variable is listed in `.env.example`.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# The embedded defaults run the demo; production sets DEBUG=False (see .env.example).
DEBUG = env.bool("DEBUG", default=True)
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
    "django_ratelimit",
    "accounts",
    "outbox",
    "badges",
    "jobs",
    "support",
]

MIDDLEWARE = [
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
    # Turns django-ratelimit's refusal (a PermissionDenied) into RATELIMIT_VIEW's 429.
    "django_ratelimit.middleware.RatelimitMiddleware",
]

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

# Rate limits count in the cache. Django's own RedisCache increments atomically, though
# django-ratelimit only lists django-redis (W001); the per-process cache (E003) is fine for the demo.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if REDIS_URL else ["django_ratelimit.E003"])
RATELIMIT_VIEW = "badgeportal.views.rate_limited"
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
# A worker started before Redis (a reboot, systemd starting units in parallel) waits for it.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task already running when Redis drops keeps running: the outbox sweep needs only PostgreSQL and SMTP.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Publishing tries twice at once and gives up, instead of holding the request for Celery's default 0.6 s
# of retries: what a task is queued for is also in the database (an outbox row, a job source's schedule),
# where a periodic task finds it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.tasks.outbox_sweep", "schedule": OUTBOX_SWEEP_SECONDS},
    "jobs-tick": {"task": "jobs.tasks.jobs_tick", "schedule": 60.0},
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
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 10
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"

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
# Claim link attempts allowed per client address; guessing tokens is pointless, but cheap to slow.
CLAIM_RATE_LIMIT = env("CLAIM_RATE_LIMIT", default="30/m")
# Share-by-email sends per earner; each send may go to up to 10 addresses.
SHARE_EMAIL_RATE_LIMIT = env("SHARE_EMAIL_RATE_LIMIT", default="10/h")
# Badge verification re-fetches our own published data; these bound what one client may ask for.
VERIFY_RATE_LIMIT = env("VERIFY_RATE_LIMIT", default="20/m")
VERIFY_FETCH_TIMEOUT = env.float("VERIFY_FETCH_TIMEOUT", default=5.0)

# Jobs and salary data. A job API is used only when its keys are set; the bundled sample always works.
JOBS_DATA_DIR = env.path("JOBS_DATA_DIR", default=BASE_DIR / "data")
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
WHITENOISE_USE_FINDERS = DEBUG

# Security. Production sets SITE_URL to an https origin and these follow.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = [SITE_URL]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
