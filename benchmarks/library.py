"""Write a synthetic content library (the import command's file format) of any size."""

from pathlib import Path

import yaml

NOTES = """---
slug: {slug}
title: {title}
position: {position}
summary: Synthetic notes for the import benchmark.
---
## Overview

- Grant least privilege; prefer roles to long-lived keys.
- An explicit deny always wins.

## Monitoring

- Log every API call and alert on unusual patterns.
"""


def write_library(root: Path, *, questions: int, per_topic: int = 100) -> Path:
    cert = root / "bench-cert"
    cert.mkdir(parents=True)
    (cert / "certification.md").write_text(
        "---\nslug: bench-cert\nname: Benchmark Certification\ncode: BEN-01\nposition: 1\n---\n"
        "A synthetic certification.\n"
    )
    for t in range(-(-questions // per_topic)):
        slug = f"bench-topic-{t:03d}"
        folder = cert / slug
        folder.mkdir()
        (folder / "notes.md").write_text(NOTES.format(slug=slug, title=f"Topic {t}", position=t))
        count = min(per_topic, questions - t * per_topic)
        items = []
        for n in range(count):
            key = ["B", "D"] if n % 10 == 9 else ["C"]
            items.append(
                {
                    "id": f"{slug}-q{n:03d}",
                    "set": "practice",
                    "number": n + 1,
                    "stem": f"Question {n} of topic {t}: which option meets the requirement "
                    "with the **least** operational overhead?",
                    **({"choose": 2} if len(key) == 2 else {}),
                    "choices": [
                        {
                            "label": label,
                            "text": f"Option {label.lower()} for case {n}.",
                            **({"correct": True} if label in key else {}),
                            **({"explanation": "Managed and simplest."} if label in key else {}),
                        }
                        for label in "ABCDE"
                    ],
                    "references": [{"note": "overview"}],
                }
            )
        (folder / "questions.yaml").write_text(
            yaml.safe_dump(
                {"sets": [{"slug": "practice", "title": "Practice questions"}], "questions": items},
                sort_keys=False,
                allow_unicode=True,
            )
        )
    return root
