"""File names from outside, made safe: one function for a name as it enters (an upload) and
one for a name as it leaves inside an archive, so nothing named by a person can point
outside its folder when it is downloaded or unpacked."""
from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 200  # document_versions.filename holds 200 characters
DEFAULT = "document"
_SEPARATORS = re.compile(r"[/\\]")
_MEMBER_SEPARATORS = re.compile(r"[/\\:]")
# Control characters (NUL, CR, LF, DEL…), invisible format characters (the right-to-left
# override that makes "evil\u202etxt.exe" read as "evilexe.txt"), line and paragraph
# separators, and lone surrogates: none belongs in a file name.
_UNSEEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_EXTENSION = re.compile(r"\.([^.\s]{1,16})$")


def _visible(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) not in _UNSEEN)


def safe_filename(name: str | None) -> str:
    """``name`` as it may be kept, shown and offered for download: only its last part
    (after any / or \\), without control characters, not starting with a dot or a space
    (so never ``..`` nor hidden), at most 200 characters with its extension kept, and
    ``document`` (with the extension) when nothing else is left. Letters of any language
    are kept."""
    text = _visible(unicodedata.normalize("NFC", name or ""))
    text = _SEPARATORS.split(text)[-1].strip().rstrip(". ")
    found = _EXTENSION.search(text)
    extension = "." + found.group(1) if found else ""
    stem = text[:found.start()] if found else text
    stem = stem.lstrip(". ")[:MAX_LENGTH - len(extension)].rstrip(". ") or DEFAULT
    return stem + extension


def archive_member(*parts: str) -> str:
    """The name of a zip member in the folders ``parts``: each part is one folder or file
    name (a /, \\ or : within it becomes _, so no drive letter either; control characters
    go), and a part of nothing but dots, spaces and those (``..``, ``/``) is refused, so
    the member unpacks inside the folder it is unpacked into, whatever the parts hold."""
    names = [_visible(str(part)) for part in parts]
    if not names or any(_MEMBER_SEPARATORS.sub("", name).strip(". ") == "" for name in names):
        raise ValueError(f"not a safe archive member name: {parts!r}")
    return "/".join(_MEMBER_SEPARATORS.sub("_", name) for name in names)
