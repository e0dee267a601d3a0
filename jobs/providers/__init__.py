from .adzuna import AdzunaProvider
from .bundled import BundledProvider
from .usajobs import USAJobsProvider

PROVIDERS = {p.name: p for p in (BundledProvider, USAJobsProvider, AdzunaProvider)}


def provider_for(name):
    """An instance of the provider called `name`, or None when it is unknown or its keys are not set."""
    provider = PROVIDERS.get(name)
    return provider() if provider and provider.is_configured() else None
