"""A certification's files: `certification.md` and its mock-exam `blueprints.yaml`."""

from pathlib import Path

from content.problems import ImportProblem
from content.reading.fields import FileReader
from content.reading.records import (
    BLUEPRINTS_FILE,
    CERTIFICATION_FILE,
    BlueprintEntry,
    CertificationEntry,
    DomainEntry,
)
from content.yamlnodes import LineDict
from study.domains import weights_problem

CERTIFICATION_SPEC = {
    "slug": (str, True),
    "name": (str, True),
    "code": (str, False),
    "position": (int, False),
    "domains": (list, False),
}
DOMAIN_SPEC = {"slug": (str, True), "name": (str, True), "weight": (int, True)}
BLUEPRINT_SPEC = {
    "slug": (str, True),
    "name": (str, True),
    "questions": (int, True),
    "minutes": (int, True),
    "passing_score": (int, True),
    "scale": (str, False),
    "shuffle_choices": (bool, False),
    "include_recent_key_changes": (bool, False),
    "topics": (LineDict, False),
    "domains": (LineDict, False),
}
# (field, lowest, highest) of a blueprint's numbers.
BLUEPRINT_RANGES = [("questions", 1, 500), ("minutes", 1, 600), ("passing_score", 1, 1000)]


def read_certification(
    cert_dir: Path, root: Path, errors: list[ImportProblem]
) -> CertificationEntry:
    reader = FileReader(cert_dir / CERTIFICATION_FILE, root, errors)
    values, body, _line = reader.front_matter("certification", CERTIFICATION_SPEC)
    values = values or {}
    # With broken front matter, keep reading its topics so every problem is reported.
    certification = CertificationEntry(
        slug=values.get("slug", cert_dir.name),
        name=values.get("name", ""),
        code=values.get("code", ""),
        position=values.get("position", 0),
        description=(body or "").strip(),
    )
    if "domains" in values:
        certification.domains = _read_domains(
            reader, values["domains"], reader.front_lines.get("domains", 1)
        )
    if (cert_dir / BLUEPRINTS_FILE).exists():
        certification.blueprints = read_blueprints(cert_dir / BLUEPRINTS_FILE, root, errors)
    return certification


def _read_domains(reader: FileReader, items, line: int) -> list[DomainEntry]:
    """A certification's exam domains: each a slug, a name and a weight in percent; the
    weights add up to 100, as an exam guide's do."""
    domains: list[DomainEntry] = []
    for index, item in enumerate(items):
        mapping = reader.mapping(item, "a domain", items.item_lines[index])
        if mapping is None:
            continue
        what = f"domain {mapping.get('slug', index + 1)}"
        values = reader.fields(mapping, what, DOMAIN_SPEC)
        slug = reader.slug(values, "slug", mapping, "domain")
        weight = values.get("weight")
        if isinstance(weight, int) and not 1 <= weight <= 100:
            reader.error(mapping.key_lines["weight"], f"{what}: 'weight' must be 1 to 100")
        if slug in {d.slug for d in domains}:
            reader.error(mapping.key_lines["slug"], f"domain slug '{slug}' is used twice")
        if slug and values.get("name") and isinstance(weight, int):
            domains.append(DomainEntry(slug, values["name"], weight))
    problem = weights_problem([d.weight for d in domains])
    if problem and len(domains) == len(items):  # with a domain unreadable, the sum says little
        reader.error(line, problem)
    return domains


def read_blueprints(path: Path, root: Path, errors: list[ImportProblem]) -> list[BlueprintEntry]:
    reader = FileReader(path, root, errors)
    document = reader.document()
    if document is None:
        return []
    top = reader.fields(document, "the file", {"blueprints": (list, True)})
    entries = []
    for index, item in enumerate(top.get("blueprints", [])):
        mapping = reader.mapping(item, "a blueprint", top["blueprints"].item_lines[index])
        if mapping is None:
            continue
        what = f"blueprint {mapping.get('slug', index + 1)}"
        values = reader.fields(mapping, what, BLUEPRINT_SPEC)
        reader.slug(values, "slug", mapping, "blueprint")
        for key, low, high in BLUEPRINT_RANGES:
            if key in values and not low <= values[key] <= high:
                reader.error(mapping.key_lines[key], f"{what}: '{key}' must be {low} to {high}")
        scale = values.get("scale", "scaled")
        if scale not in ("scaled", "percent"):
            reader.error(mapping.key_lines["scale"], f"{what}: 'scale' must be scaled or percent")
        topics = _weights(reader, values, "topics", what)
        domains = _weights(reader, values, "domains", what)
        if topics and domains:
            reader.error(
                mapping.key_lines["domains"], f"{what}: weigh by 'topics' or by 'domains', not both"
            )
        if {"slug", "name", "questions", "minutes", "passing_score"} <= set(values):
            entries.append(
                BlueprintEntry(
                    slug=values["slug"],
                    name=values["name"],
                    questions=values["questions"],
                    minutes=values["minutes"],
                    passing_score=values["passing_score"],
                    scale=scale,
                    shuffle_choices=values.get("shuffle_choices", True),
                    include_recent_key_changes=values.get("include_recent_key_changes", False),
                    topics=topics,
                    domains=domains,
                    file=reader.name,
                    line=mapping.key_lines.get("topics", mapping.line),
                    domains_line=mapping.key_lines.get("domains", mapping.line),
                )
            )
    return entries


def _weights(reader: FileReader, values: dict, key: str, what: str) -> dict[str, int]:
    """A blueprint's `topics` or `domains`: slug -> whole-number weight from 1."""
    weights = {}
    for slug, weight in values.get(key, {}).items():
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 1:
            reader.error(
                values[key].key_lines[slug],
                f"{what}: weight of {slug} must be a whole number from 1",
            )
        else:
            weights[str(slug)] = weight
    return weights
