"""Open .apkg files the way a learner does: Anki's own library imports them into a collection.

A collection lives in a directory; importing a second package into the same directory is
what re-importing an updated deck does on a learner's machine.
"""

from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER

# The import dialog's defaults in Anki desktop: update notes and note types if the
# package's copy is newer, keep the learner's own review progress.
LEARNER_OPTIONS = ImportAnkiPackageOptions(
    merge_notetypes=False,
    update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    update_notetypes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    with_scheduling=False,
    with_deck_configs=False,
)


def _open(collection_dir: Path) -> Collection:
    collection_dir = Path(collection_dir)
    collection_dir.mkdir(parents=True, exist_ok=True)
    # Anki creates the collection file if it does not exist yet, and reuses it if it does.
    return Collection(str(collection_dir / "collection.anki2"))


def import_apkg(apkg_path: Path, collection_dir: Path) -> dict[str, int]:
    """Import into the collection in collection_dir (new or existing): how many notes Anki
    added, updated, skipped as unchanged duplicates, or refused as conflicting."""
    col = _open(collection_dir)
    try:
        response = col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(apkg_path), options=LEARNER_OPTIONS)
        )
    finally:
        col.close()
    log = response.log
    return {
        "new": len(log.new),
        "updated": len(log.updated),
        "duplicate": len(log.duplicate),
        "conflicting": len(log.conflicting),
        "missing_notetype": len(log.missing_notetype),
    }


def collection_notes(collection_dir: Path) -> list[dict]:
    """Every note: field name -> value, plus 'guid', 'deck', 'notetype' and 'tags'."""
    col = _open(collection_dir)
    try:
        notes = []
        for note_id in sorted(col.find_notes("")):
            note = col.get_note(note_id)
            decks = {col.decks.name(card.did) for card in note.cards()}
            notes.append(
                {
                    **dict(note.items()),
                    "guid": note.guid,
                    "deck": ", ".join(sorted(decks)),
                    "notetype": note.note_type()["name"],
                    "tags": list(note.tags),
                }
            )
        return notes
    finally:
        col.close()


def read_apkg(apkg_path: Path, collection_dir: Path) -> list[dict]:
    """Import the package into the collection in collection_dir (created if new, reused if
    it is there) and return all the collection's notes."""
    import_apkg(apkg_path, collection_dir)
    return collection_notes(collection_dir)
