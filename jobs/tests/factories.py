import factory
from django.utils import timezone

from jobs.models import (
    CertificationOccupation,
    JobPosting,
    JobSource,
    Occupation,
    OccupationProjection,
    OccupationWage,
)


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation
        django_get_or_create = ["soc_code"]

    soc_code = factory.Sequence(lambda n: f"15-{1000 + n}")
    title = factory.Sequence(lambda n: f"Cloud Occupation {n}")


class OccupationWageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OccupationWage

    occupation = factory.SubFactory(OccupationFactory)
    year = 2023
    source = "BLS OEWS May 2023, national"
    employment = 100_000
    mean = 110_000
    pct10 = 60_000
    pct25 = 80_000
    median = 105_000
    pct75 = 140_000
    pct90 = 180_000


class OccupationProjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OccupationProjection

    occupation = factory.SubFactory(OccupationFactory)
    base_year = 2024
    target_year = 2034
    source = "BLS Employment Projections 2024-34"
    employment_base = "100.0"
    employment_target = "115.0"
    change_pct = "15.0"
    annual_openings = "9.5"
    typical_education = "Bachelor's degree"


class CertificationOccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationOccupation

    certification = factory.SubFactory("badges.tests.factories.CertificationFactory")
    occupation = factory.SubFactory(OccupationFactory)
    rank = 1


def job_source(name):
    """The sources exist from the migration on; tests only read them."""
    return JobSource.objects.get(name=name)


class JobPostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobPosting
        skip_postgeneration_save = True

    source = "bundled"
    external_id = factory.Sequence(lambda n: f"post-{n}")
    title = factory.Sequence(lambda n: f"Cloud Engineer {n}")
    employer = "Contoso"
    locations = "Seattle, WA"
    region = "Washington"
    salary_min = 90_000
    salary_max = 120_000
    salary_period = "year"
    annual_salary_min = 90_000
    annual_salary_max = 120_000
    posted_on = factory.LazyFunction(timezone.localdate)
    apply_url = factory.Sequence(lambda n: f"https://jobs.example.com/{n}")
    fetched_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def certifications(posting, create, extracted, **kwargs):
        if create and extracted:
            posting.certifications.add(*extracted)
