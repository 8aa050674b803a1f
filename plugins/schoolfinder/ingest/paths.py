"""Source paths are confined to the city's data folder: no absolute paths, no '..' escapes, no symlinks out."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from ..problems import ConfigError

CODE = "PATH_OUTSIDE_DATA_DIR"


def _refuse(config_path, key: str, value: str, why: str) -> ConfigError:
    return ConfigError(f"{config_path}: {CODE}: key {key} = {value!r} {why}; source paths must stay inside data_dir")


def check_relative(value: str, key: str, config_path) -> None:
    """Refuse, before any file is touched, a path that is absolute or climbs out with '..'.

    Parameters
    ----------
    value : str
        The path as written in city.toml.
    key : str
        Where it was written, e.g. ``[directory[0]] path``; named in the error.
    config_path : path-like
        The city.toml file, named in the error.
    """
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() or PureWindowsPath(value).drive:
        raise _refuse(config_path, key, value, "is absolute")
    if ".." in PurePosixPath(value.replace("\\", "/")).parts:
        raise _refuse(config_path, key, value, "climbs out with '..'")
    if "\0" in value:
        raise _refuse(config_path, key, value, "holds a NUL byte")


def confined(data_dir: Path, value: str, key: str, config_path) -> Path:
    """The absolute path of ``value`` inside ``data_dir``, symlinks resolved; raise when it lands outside.

    ``data_dir`` itself may be anywhere (it is resolved too). Only after this check may a caller open the file
    or quote anything from it in an error message.
    """
    check_relative(value, key, config_path)
    root = Path(data_dir).resolve()
    target = (root / value).resolve()
    if target != root and root not in target.parents:
        raise _refuse(config_path, key, value, "resolves (through a symlink) to outside data_dir")
    return target
