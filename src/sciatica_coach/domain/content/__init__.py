"""Program content (exercises, education, contraindications) as versioned, schema-checked data files."""

from sciatica_coach.domain.content.loader import ContentError, Library, load_library

__all__ = ["ContentError", "Library", "load_library"]
