"""GTFS zip archives: check member names, then unpack the GTFS text files in chunks under a size limit.

Only ``*.txt`` members at the root are unpacked, under their base name, into a private folder; Mac metadata
(``__MACOSX/`` and ``._*``) is ignored. Bytes are counted as they decompress, whatever the zip declares, so a
bomb stops at the limit and memory stays flat (one chunk at a time).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..problems import DataError, Problem

CHUNK = 1 << 20


def _fail(code: str, path: Path, column: str, message: str) -> DataError:
    return DataError(Problem("FAIL", code, path.name, None, column, message))


def is_mac_metadata(name: str) -> bool:
    """True for the resource-fork entries a Mac adds to a zip (``__MACOSX/...``, ``._agency.txt``)."""
    parts = PurePosixPath(name).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1].startswith("._"))


def gtfs_members(archive: zipfile.ZipFile, path: Path) -> list[zipfile.ZipInfo]:
    """The archive's GTFS text files; fail on a member that leaves the archive or GTFS files in a subfolder."""
    found = []
    for member in archive.infolist():
        name = PurePosixPath(member.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
            raise _fail("GTFS_ARCHIVE_UNSAFE", path, member.filename, "member path leaves the archive")
        if member.is_dir() or is_mac_metadata(member.filename) or name.suffix != ".txt":
            continue
        if len(name.parts) > 1:
            raise _fail("GTFS_FILES_IN_SUBFOLDER", path, member.filename,
                        "GTFS files must sit at the root of the zip (invalid_input_files_in_subfolder)")
        found.append(member)
    return found


def open_archive(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a zip, or fail with GTFS_NOT_A_ZIP (an HTML error page, a cut-short download)."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise _fail("GTFS_NOT_A_ZIP", path, "", f"not a readable zip archive ({exc}); was the download cut short "
                    "or replaced by an error page?") from None


def unpack(path: Path, folder: Path, max_bytes: int) -> None:
    """Write the GTFS text files of the zip ``path`` into ``folder``, failing past ``max_bytes`` unpacked."""
    total = 0
    with open_archive(path) as archive:
        members = gtfs_members(archive, path)
        for member in members:
            target = folder / PurePosixPath(member.filename).name
            try:
                with archive.open(member) as source, open(target, "wb") as out:
                    while chunk := source.read(CHUNK):
                        total += len(chunk)
                        if total > max_bytes:
                            raise _fail("GTFS_TOO_LARGE", path, member.filename,
                                        f"unpacks to more than the {max_bytes / 1e6:,.0f} MB limit "
                                        "([[gtfs]] max_unzipped_bytes)")
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as exc:
                raise _fail("GTFS_NOT_A_ZIP", path, member.filename, f"the zip is damaged or cut short ({exc})") from None
