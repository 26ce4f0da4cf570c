"""Running the managed node unprivileged when we are root.

OpenSearch refuses to run as root. When we are root, the JVM runs as an unprivileged system user
(:data:`NODE_USER`) that this module creates once; the shared installation is made readable to it
and each node's directory is handed over to it. When we are not root, all of this does nothing.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

from mucluc.core.errors import NodeError
from mucluc.core.settings import running_as_root

NODE_USER = "mucluc"

__all__ = ["NODE_USER", "ensure_node_user", "hand_over", "make_world_readable", "running_as_root"]


def ensure_node_user() -> pwd.struct_passwd:
    """The unprivileged system user the JVM runs as when we are root (created once)."""
    try:
        return pwd.getpwnam(NODE_USER)
    except KeyError:
        pass
    result = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NODE_USER],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 and "already exists" not in result.stderr:
        raise NodeError(f"cannot create the system user {NODE_USER!r}: {result.stderr.strip()}")
    return pwd.getpwnam(NODE_USER)


def _open_parents(path: Path) -> None:
    """Parent directories must be traversable by the node's user too."""
    for parent in path.parents:
        if parent == Path("/"):
            break
        if parent.stat().st_mode & 0o001 == 0:
            parent.chmod(parent.stat().st_mode | 0o111)


def make_world_readable(root: Path) -> None:
    """Everything under ``root`` readable (and directories traversable) by every user."""
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            path = Path(dirpath) / name
            mode = path.stat().st_mode
            path.chmod(mode | 0o444 | (0o111 if mode & 0o100 else 0))
    if running_as_root():
        _open_parents(root)


def hand_over(directory: Path) -> None:
    """As root: ``directory`` and everything in it now belong to the node's user."""
    if not running_as_root():
        return
    user = ensure_node_user()
    directory.chmod(0o755)
    _open_parents(directory)
    for dirpath, _dirnames, filenames in os.walk(directory):
        os.chown(dirpath, user.pw_uid, user.pw_gid)
        for name in filenames:
            os.chown(Path(dirpath) / name, user.pw_uid, user.pw_gid)
