"""Images and files a question's text refers to in its Moodle course (`@@PLUGINFILE@@/…`).

Moodle XML carries them in the file, as base64 `<file>` elements beside the text (older
files as `<image_base64>`). An image we can keep is stored in the text itself as a `data:`
URL: PNG, JPEG, GIF or WebP, recognised by its bytes (not its name), at most
MAX_IMAGE_BYTES. The sanitizer lets `data:` through only for such images in `<img src>`
(study.markdown), and the Content-Security-Policy allows `data:` images and nothing else
from `data:`. Nothing else is kept: an SVG (it can hold scripts), audio, a PDF, an image
that is too large or missing from the file is taken out of the text (a link keeps its
words) and named, so the preview and the command say what was left out.

Pure functions; texts are scanned forward only (no pattern can rescan a long text).
"""

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import unquote

MAX_IMAGE_BYTES = 256 * 1024
_KINDS = [  # (leading bytes, MIME type): what the bytes are, whatever the name says
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
PLUGINFILE = "@@PLUGINFILE@@"
_TAG = re.compile(r"<(img|a)\b", re.IGNORECASE)
_URL_ATTRIBUTE = re.compile(r"""\b(src|href)\s*=\s*(["']?)@@PLUGINFILE@@/?""", re.IGNORECASE)
# ![alt](@@PLUGINFILE@@/name "title"): no part may hold the brackets or parentheses that
# start or end another, so a match never reads past the next one.
_MARKDOWN = r"\[([^\[\]]*)\]\(\s*@@PLUGINFILE@@/?([^()\s]*)(?:\s+(?:\"[^\"()]*\"|'[^'()]*'))?\s*\)"
_MARKDOWN_IMAGE = re.compile("!" + _MARKDOWN, re.IGNORECASE)
_MARKDOWN_LINK = re.compile(_MARKDOWN, re.IGNORECASE)


def image_type(data: bytes) -> str:
    """The MIME type of a raster image we keep, from its first bytes; "" for anything else."""
    for magic, kind in _KINDS:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


def decode(encoded: str) -> bytes | None:
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def data_url(data: bytes) -> tuple[str, str]:
    """(data: URL, "") for an image we keep, or ("", why it is not kept)."""
    kind = image_type(data)
    if not kind:
        return "", "is not a PNG, JPEG, GIF or WebP image"
    if len(data) > MAX_IMAGE_BYTES:
        return "", f"is {-(-len(data) // 1024)} KB, over the {MAX_IMAGE_BYTES // 1024} KB kept"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}", ""


@dataclass
class Resolved:
    text: str
    kept: list[str]  # names of images now in the text
    left_out: list[str]  # "name (why)" of each image or file taken out


def resolve(text: str, files: dict[str, bytes | None]) -> Resolved:
    """The text with each `@@PLUGINFILE@@/name` image made a data: URL when `files` has it
    and it can be kept; every other such image taken out, and every such link unwrapped
    (its words kept). files: name -> bytes (None: the file's data could not be read)."""
    result = Resolved(text, [], [])
    if PLUGINFILE not in text.upper():
        return result

    def image(name: str) -> str:
        name = unquote(name.split("?")[0]).strip("/")
        if name not in files:
            result.left_out.append(f"{name or 'an image'} (not in the file)")
            return ""
        data = files[name]
        url, why = data_url(data) if data is not None else ("", "could not be decoded")
        if url:
            result.kept.append(name)
        else:
            result.left_out.append(f"{name} ({why})")
        return url

    result.text = _html(text, image, result.left_out)
    result.text = _MARKDOWN_IMAGE.sub(lambda m: _markdown_image(m, image), result.text)
    result.text = _MARKDOWN_LINK.sub(lambda m: _markdown_link(m, result.left_out), result.text)
    return result


def _markdown_image(match: re.Match, image) -> str:
    url = image(match.group(2))
    return f"![{match.group(1)}]({url})" if url else ""


def _markdown_link(match: re.Match, left_out: list[str]) -> str:
    left_out.append(f"{unquote(match.group(2)).strip('/') or 'a file'} (a file, not an image)")
    return match.group(1)


def _html(text: str, image, left_out: list[str]) -> str:
    """<img> and <a> tags whose address is in the course: each tag ends at the first ">"
    after it, so the text is read forward once."""
    kept, pos = [], 0
    while opening := _TAG.search(text, pos):
        end = text.find(">", opening.end())
        if end < 0:
            break  # no tag closes after this point: the rest is text
        tag = text[opening.start() : end + 1]
        attribute = _URL_ATTRIBUTE.search(tag)
        kept.append(text[pos : opening.start()])
        pos = end + 1
        if attribute is None:
            kept.append(tag)
            continue
        quote = attribute.group(2)
        value_end = _value_end(tag, attribute.end(), quote)
        name = tag[attribute.end() : value_end]
        if opening.group(1).lower() == "a":
            left_out.append(f"{unquote(name).strip('/') or 'a file'} (a file, not an image)")
            continue  # the link goes, its words stay (the sanitizer drops the lone </a>)
        url = image(name)
        if url:
            kept.append(tag[: attribute.start()] + f'src="{url}"' + tag[value_end + len(quote) :])
    kept.append(text[pos:])
    return "".join(kept)


def _value_end(tag: str, start: int, quote: str) -> int:
    if quote:
        end = tag.find(quote, start)
        return end if end >= 0 else len(tag) - 1
    match = re.compile(r"[\s>]").search(tag, start)
    return match.start() if match else len(tag) - 1
