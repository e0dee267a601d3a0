import pytest

from badges.tests.factories import BadgeTemplateFactory, CertificationFactory, ExamFactory


@pytest.fixture
def templates(db):
    """The badge templates the committed files name: exam AZ-900 and a certification by its name."""
    exam = BadgeTemplateFactory(
        certification=None, exam=ExamFactory(code="AZ-900"), name="Azure Fundamentals", slug="az-900"
    )
    certified = BadgeTemplateFactory(
        certification=CertificationFactory(name="Contoso Certified: Cloud Engineer", slug="cloud-engineer"),
    )
    return exam, certified
