"""Exceptions of opnote-cpt. Messages name files, lines, ids and offsets, never note text."""


class OpnoteCptError(Exception):
    """Base class: every error this package raises on purpose."""


class RuleFileError(OpnoteCptError):
    """A rule, section or profile file is malformed; the message points to file:line."""


class ModelError(OpnoteCptError):
    """The model artifact is missing, corrupt, tampered with or does not match this version."""


class InputError(OpnoteCptError):
    """An input file or record cannot be read as notes."""
