"""Reading an uploaded or local file in one of the supported formats."""

from content.interchange.model import Parsed

MAX_BYTES = 10 * 1024 * 1024
FORMATS = {
    "gift": "GIFT (Moodle text format)",
    "moodlexml": "Moodle XML",
    "csv": "CSV (spreadsheet)",
}
EXTENSIONS = {".gift": "gift", ".txt": "gift", ".xml": "moodlexml", ".csv": "csv"}


def parse_bytes(data: bytes, file_format: str) -> Parsed:
    """Every problem with its line; a file that cannot be read at all is one problem."""
    parsed = Parsed()
    if len(data) > MAX_BYTES:
        size = len(data) / 1024 / 1024
        parsed.error(1, f"the file is {size:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB")
        return parsed
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        parsed.error(
            line,
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x} at column {column}); "
            "save it as UTF-8 and upload it again",
        )
        return parsed
    if not text.strip():
        parsed.error(1, "the file is empty")
        return parsed
    # One kind of line break, whatever the file was saved with (Windows CRLF, old Mac CR):
    # a bare CR would otherwise stay inside a text and be lost on export.
    return parser(file_format)(text.replace("\r\n", "\n").replace("\r", "\n"))


def parser(file_format: str):
    if file_format == "gift":
        from content.interchange.gift import parse_gift

        return parse_gift
    if file_format == "moodlexml":
        from content.interchange.moodlexml import parse_moodle_xml

        return parse_moodle_xml
    if file_format == "csv":
        from content.interchange.csvfile import parse_csv

        return parse_csv
    raise ValueError(f"unknown format {file_format!r}; use one of {', '.join(FORMATS)}")
