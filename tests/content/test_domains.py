"""Exam domains in the content files: a certification's domains with their weights in
certification.md, each topic's domain in its notes.md; imported, exported and round-tripped;
every mistake reported with file and line, nothing written."""

import pytest

from content.exporter import content_export
from content.importer import ContentInvalid, content_import
from content.library import read_library
from study.models import Certification, ExamDomain, Topic

pytestmark = pytest.mark.django_db

CERT = "aws-saa/certification.md"
NOTES = "aws-saa/ec2-security/notes.md"
BLUEPRINTS = "aws-saa/blueprints.yaml"
SAA_C03 = [
    ("secure", "Design Secure Architectures", 30),
    ("resilient", "Design Resilient Architectures", 26),
    ("high-performing", "Design High-Performing Architectures", 24),
    ("cost-optimized", "Design Cost-Optimized Architectures", 20),
]


def edit(root, name, old, new):
    path = root / name
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def line_of(root, name, needle, occurrence=1) -> int:
    lines = (root / name).read_text().split("\n")
    return [i + 1 for i, line in enumerate(lines) if needle in line][occurrence - 1]


def errors(root) -> list[str]:
    return [str(problem) for problem in read_library(root)[1]]


def test_the_shipped_library_puts_ec2_security_in_design_secure_architectures(library_copy):
    content_import(root=library_copy)
    saa = Certification.objects.get(slug="aws-saa")
    assert [(d.slug, d.name, d.weight) for d in saa.domains.all()] == SAA_C03
    assert Topic.objects.get(slug="ec2-security").domain.name == "Design Secure Architectures"


def test_export_and_import_again_keep_domains(library_copy, tmp_path):
    content_import(root=library_copy)
    out = tmp_path / "exported"
    content_export(outdir=out)
    for name in (CERT, NOTES):
        assert (out / name).read_text() == (library_copy / name).read_text()
    ExamDomain.objects.all().delete()
    content_import(root=out)
    assert ExamDomain.objects.count() == 4
    assert Topic.objects.get(slug="ec2-security").domain.slug == "secure"


def test_a_domain_removed_from_the_file_is_removed_and_its_topics_keep_none(library_copy):
    content_import(root=library_copy)
    edit(
        library_copy,
        CERT,
        "- slug: secure\n  name: Design Secure Architectures\n  weight: 30\n",
        "",
    )
    edit(library_copy, CERT, "weight: 20", "weight: 50")
    edit(library_copy, NOTES, "domain: secure\n", "")
    edit(library_copy, BLUEPRINTS, "    secure: 30\n", "")
    content_import(root=library_copy)
    assert not ExamDomain.objects.filter(slug="secure").exists()
    assert Topic.objects.get(slug="ec2-security").domain is None


@pytest.mark.parametrize(
    ("name", "old", "new", "at", "message"),
    [
        (
            NOTES,
            "domain: secure",
            "domain: security",
            "domain: security",
            "domain 'security' is not an exam domain of aws-saa (its domains: cost-optimized, "
            "high-performing, resilient, secure)",
        ),
        (
            CERT,
            "weight: 20",
            "weight: 25",
            "domains:",
            "the domains' weights add up to 105, not 100",
        ),
        (
            CERT,
            "weight: 20",
            "weight: 0",
            "weight: 0",
            "domain cost-optimized: 'weight' must be 1 to 100",
        ),
        (
            CERT,
            "slug: resilient",
            "slug: secure",
            ("slug: secure", 2),
            "domain slug 'secure' is used twice",
        ),
        (
            CERT,
            "  weight: 26\n",
            "",
            "- slug: resilient",
            "domain resilient is missing the required field 'weight'",
        ),
    ],
    ids=["unknown-domain", "weights-not-100", "weight-0", "slug-twice", "no-weight"],
)
def test_a_domain_mistake_is_reported_with_file_and_line_and_nothing_is_written(
    library_copy, name, old, new, at, message
):
    edit(library_copy, name, old, new)
    line = line_of(library_copy, name, *(at if isinstance(at, tuple) else (at,)))
    found = errors(library_copy)
    assert any(e.startswith(f"library/{name}:{line}:") and message in e for e in found), found
    with pytest.raises(ContentInvalid):
        content_import(root=library_copy)
    assert not Certification.objects.exists()


QUESTIONS = "aws-saa/ec2-security/questions.yaml"


def test_a_question_may_count_toward_another_domain_and_keeps_it_through_export(
    library_copy, tmp_path
):
    from quiz.models import Question

    edit(library_copy, QUESTIONS, "  number: 4\n", "  number: 4\n  domain: resilient\n")
    content_import(root=library_copy)
    question = Question.objects.get(ext_id="ec2-security-q04")
    assert question.exam_domain.slug == "resilient"
    assert Question.objects.get(ext_id="ec2-security-q03").exam_domain.slug == "secure"
    out = tmp_path / "exported"
    content_export(outdir=out)
    assert "domain: resilient" in (out / QUESTIONS).read_text()
    Question.objects.filter(pk=question.pk).update(domain=None)
    content_import(root=out)
    assert Question.objects.get(pk=question.pk).domain.slug == "resilient"


def test_a_question_in_an_unknown_domain_is_reported_with_its_line(library_copy):
    edit(library_copy, QUESTIONS, "  number: 4\n", "  number: 4\n  domain: networking\n")
    line = line_of(library_copy, QUESTIONS, "domain: networking")
    found = errors(library_copy)
    assert any(
        e.startswith(f"library/{QUESTIONS}:{line}:")
        and "domain 'networking' is not an exam domain of aws-saa" in e
        for e in found
    ), found


def test_a_blueprint_weighs_by_domain_and_keeps_it_through_export(library_copy, tmp_path):
    from quiz.models import Blueprint

    content_import(root=library_copy)
    full = Blueprint.objects.get(slug="saa-c03-full-length")
    assert {w.domain.slug: w.weight for w in full.domain_weights.all()} == {
        "secure": 30,
        "resilient": 26,
        "high-performing": 24,
        "cost-optimized": 20,
    }
    out = tmp_path / "exported"
    content_export(outdir=out)
    assert (out / BLUEPRINTS).read_text() == (library_copy / BLUEPRINTS).read_text()


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (
            "    secure: 30",
            "    security: 30",
            "domains:",
            "blueprint saa-c03-full-length: domain(s) security are not exam domains of aws-saa",
        ),
        (
            "  domains:\n",
            "  topics:\n    ec2-security: 1\n  domains:\n",
            "  domains:",
            "blueprint saa-c03-full-length: weigh by 'topics' or by 'domains', not both",
        ),
        (
            "    resilient: 26",
            "    resilient: 0",
            "resilient: 0",
            "blueprint saa-c03-full-length: weight of resilient must be a whole number from 1",
        ),
    ],
    ids=["unknown-domain", "topics-and-domains", "weight-0"],
)
def test_a_blueprint_domain_mistake_is_reported_with_file_and_line(
    library_copy, old, new, at, message
):
    edit(library_copy, BLUEPRINTS, old, new)
    lines = (library_copy / BLUEPRINTS).read_text().split("\n")
    line = [i + 1 for i, text in enumerate(lines) if at in text][-1]
    found = errors(library_copy)
    assert any(e.startswith(f"library/{BLUEPRINTS}:{line}:") and message in e for e in found), found
