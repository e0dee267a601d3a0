import factory
from django.utils import timezone

from badges.models import Award, AwardState, BadgeTemplate, Certification, Exam, Issuer


class IssuerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issuer
        django_get_or_create = ["slug"]

    name = "Contoso Certification Program"
    slug = "contoso"
    url = "https://certs.contoso.example"
    email = "badges@contoso.example"


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    name = factory.Sequence(lambda n: f"Contoso Certified: Cloud Engineer {n}")
    slug = factory.Sequence(lambda n: f"cloud-engineer-{n}")
    level = "Associate"


class ExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exam

    code = factory.Sequence(lambda n: f"CX-{100 + n}")
    title = factory.Sequence(lambda n: f"Cloud Exam {n}")


class BadgeTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BadgeTemplate

    issuer = factory.SubFactory(IssuerFactory)
    certification = factory.SubFactory(CertificationFactory)
    name = factory.SelfAttribute("certification.name")
    slug = factory.SelfAttribute("certification.slug")
    description = "Earners show they can build and run cloud solutions."
    criteria = "Pass the exam."


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    template = factory.SubFactory(BadgeTemplateFactory)
    recipient_email = factory.Sequence(lambda n: f"recipient{n}@example.com")
    recipient_name = factory.Faker("name")


class AcceptedAwardFactory(AwardFactory):
    """An award collected and accepted by `earner` (pass one, or a new user is made)."""

    earner = factory.SubFactory("accounts.tests.factories.UserFactory")
    recipient_email = factory.SelfAttribute("earner.email")
    recipient_name = factory.SelfAttribute("earner.full_name")
    state = AwardState.ACCEPTED
    accepted_at = factory.LazyFunction(timezone.now)
