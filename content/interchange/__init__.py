"""Question interchange formats: GIFT, Moodle XML, CSV (import and export) and Anki (export)."""
