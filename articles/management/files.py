"""A file named on the command line, read with one readable line for each way it can fail
(the import commands: never a traceback)."""

from pathlib import Path

from django.core.management.base import CommandError


def read_named_file(name, kind="CSV file"):
    """The bytes of the file `name`, or CommandError saying why not."""
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise CommandError(f"{name}: is a folder, not a {kind}.") from None
    except OSError as exc:
        raise CommandError(f"{name}: cannot be read ({exc.strerror or exc}).") from None
