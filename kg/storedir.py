"""Where kg may write: a store only in a new or empty folder, or one that already holds a kg store;
an output file (``-o``) only in a folder that exists.

A kg store is marked by the file :data:`MARKER`, written before anything else goes into the folder, so
``kg build --store ~/Documents`` is refused instead of writing database files among the user's own.
Stores made before the marker existed (an Oxigraph database with kg's lock file) are recognised and
get the marker the next time they are written.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import KgError, StoreError

MARKER = "kg-store.txt"
_MARKER_TEXT = ("This folder is a kg knowledge-graph store (an Oxigraph database written by kg).\n"
                "kg writes here; keep your own files elsewhere. Remove the whole folder to delete the store.\n")
_LEGACY = ("CURRENT", "kg.lock")  # what every kg store held before the marker


def is_kg_store(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a kg store.

    >>> import tempfile
    >>> is_kg_store(tempfile.mkdtemp())
    False
    """
    folder = Path(path)
    return folder.is_dir() and ((folder / MARKER).is_file() or all((folder / n).exists() for n in _LEGACY))


def prepare_store_folder(path: str | Path, *, write: bool) -> None:
    """Check that ``path`` may be used as a store, and mark it when it is about to be written.

    Args:
        path: the store folder.
        write: the caller is going to write (``kg build``, ``kg remove``); a new or empty folder is
            then created and marked. Readers need an existing kg store.

    Raises:
        StoreError: no store there (readers), the parent folder is missing, or the folder holds
            files that are not a kg store.
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise StoreError("not a folder", source=str(folder), hint="--store names a folder")
    if is_kg_store(folder):
        if write and not (folder / MARKER).exists():
            (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        return
    empty = folder.is_dir() and not any(folder.iterdir())
    if not write:
        if folder.exists() and not empty:
            raise StoreError("not a kg store", source=str(folder),
                             hint="build one with `kg build INPUT --store DIR`, or pass the right --store")
        raise StoreError("no store here", source=str(folder), hint="run `kg build` first or pass --store")
    if folder.exists() and not empty:
        raise StoreError("not a kg store, and not empty: kg will not write among other files", source=str(folder),
                         hint="use a new or empty folder for --store")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise StoreError(f"folder {folder.parent} does not exist", source=str(folder),
                             hint="create it first, or pick another --store")
        folder.mkdir()
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def output_file(path: str | Path) -> Path:
    """``path`` as the file an ``-o`` option writes, checked before any work is done: its folder must
    exist (kg creates no folders the user did not ask for) and it must not be a folder itself.

    Raises:
        KgError: the folder is missing, or ``path`` is a folder.

    >>> output_file("/nonexistent/dir/x.html")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.KgError: /nonexistent/dir/x.html: folder /nonexistent/dir does not exist (...)
    """
    target = Path(path)
    if target.is_dir():
        raise KgError("is a folder, not a file", source=str(target),
                      hint="name the file to write, e.g. out/view.html")
    if not target.absolute().parent.is_dir():
        raise KgError(f"folder {target.parent} does not exist", source=str(target),
                      hint="create it first, or write elsewhere")
    return target
