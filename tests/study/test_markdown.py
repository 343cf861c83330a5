from datetime import date

import pytest

from study.markdown import dated_list_items, find_month_date, render_markdown, strip_heading_date


def test_renders_tables_with_alignment():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert "<table>" in html and 'align="left"' in html and 'align="right"' in html


def test_renders_fenced_code_with_language_class():
    html = render_markdown("```python\nprint('hi')\n```")
    assert '<code class="language-python">' in html


def test_renders_nested_lists_with_four_space_indent():
    html = render_markdown("- outer\n    - inner\n        - innermost")
    assert html.count("<ul>") == 3


def test_headings_get_anchors():
    assert '<h3 id="key-pairs">Key pairs</h3>' in render_markdown("### Key pairs")


def test_comment_line_breaks_are_kept_when_asked():
    assert "<br" in render_markdown("line one\nline two", hard_breaks=True)
    assert "<br" not in render_markdown("line one\nline two")


def test_empty_source_renders_nothing():
    assert render_markdown("") == "" and render_markdown("   \n") == ""


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<svg><script>alert(1)</script><circle onload="alert(1)"/></svg>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<object data="evil.swf"></object>',
        '<form action="https://evil.example"><input name="x"></form>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "![x](javascript:alert(1))",
        '<details open ontoggle="alert(1)">x</details>',
    ],
)
def test_xss_payloads_come_out_inert(payload):
    html = render_markdown(f"Text before\n\n{payload}\n\nText after").lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onload" not in html and "ontoggle" not in html
    assert "<iframe" not in html and "<object" not in html and "<form" not in html
    assert "style=" not in html
    assert "data:text/html" not in html
    assert "text before" in html and "text after" in html


def test_safe_links_survive_with_rel():
    html = render_markdown("[AWS docs](https://docs.aws.amazon.com/ec2/)")
    assert 'href="https://docs.aws.amazon.com/ec2/"' in html and "noopener" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Security Group VPC Associations (Oct 2024)", date(2024, 10, 1)),
        ("Supports IPv6 connectivity (added Sep 2024), allowing", date(2024, 9, 1)),
        ("launched in June 2023, allows", date(2023, 6, 1)),
        ("Non-HTTP(S) protocol support (GA Feb 2025): Extends", date(2025, 2, 1)),
        ("Mar 2024: Account-level setting", date(2024, 3, 1)),
        ("Mid-2024: All newly released", None),
        ("Supports five thousand key pairs per region", None),
    ],
)
def test_find_month_date(text, expected):
    assert find_month_date(text) == expected


def test_strip_heading_date():
    assert (
        strip_heading_date("Configurable Idle Timeouts (Nov 2023)") == "Configurable Idle Timeouts"
    )
    assert (
        strip_heading_date("Instance Metadata Service v2 (IMDSv2)")
        == "Instance Metadata Service v2 (IMDSv2)"
    )


def test_dated_list_items_ignore_code_and_nested_dates_count():
    source = "- plain\n- new thing (added Sep 2024)\n    - nested (GA Feb 2025)\n```\n- code (Jan 2020)\n```"
    assert dated_list_items(source) == [
        (date(2024, 9, 1), "new thing (added Sep 2024)"),
        (date(2025, 2, 1), "nested (GA Feb 2025)"),
    ]
