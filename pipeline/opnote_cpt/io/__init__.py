"""Reading notes from files and writing results, streaming (one note in memory at a time)."""
from .readers import NoteRecord, iter_notes
from .writers import open_writer, read_done_ids

__all__ = ["NoteRecord", "iter_notes", "open_writer", "read_done_ids"]
