"""The OpenSearch distribution the managed node runs, and the Java that runs it.

The OpenSearch version is pinned here and nowhere else. The distribution is the minimal
``integ-test-zip`` published on Maven Central; it is fetched with the machine's ``mvn``, cached
(``MUCLUC_CACHE``), and unzipped once into an installation every node on the machine shares
read-only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from indexer.node_user import make_world_readable
from mucluc.core import settings
from mucluc.core.errors import NodeError

OPENSEARCH_VERSION = "3.8.0"
"""Newest OpenSearch 3.x served as ``integ-test-zip`` here; 3.x needs Java 21+ (see README)."""

MAVEN_ARTIFACT = f"org.opensearch.distribution.integ-test-zip:opensearch:{OPENSEARCH_VERSION}:zip"
MINIMUM_JAVA = 21


def find_java_home() -> Path:
    """The JDK to run the node: MUCLUC_JAVA_HOME, else the newest JDK 21+ under /usr/lib/jvm."""
    explicit = settings.java_home()
    if explicit:
        return explicit
    best: tuple[int, Path] | None = None
    for candidate in sorted(Path("/usr/lib/jvm").glob("*")):
        major = java_major(candidate)
        if major and major >= MINIMUM_JAVA and (best is None or major > best[0]):
            best = (major, candidate)
    if best is None:
        raise NodeError(
            f"OpenSearch {OPENSEARCH_VERSION} needs Java {MINIMUM_JAVA}+ and none was found "
            "under /usr/lib/jvm",
            hint="install a JDK 21 or newer, or point MUCLUC_JAVA_HOME at one",
        )
    return best[1]


def java_major(jdk: Path) -> int | None:
    """The major version of the JDK at ``jdk`` (from its ``release`` file), or None."""
    release = jdk / "release"
    if not (jdk / "bin" / "java").exists() or not release.exists():
        return None
    for line in release.read_text(errors="replace").splitlines():
        if line.startswith("JAVA_VERSION="):
            version = line.split("=", 1)[1].strip().strip('"')
            head = version.split(".")[0]
            return int(head) if head.isdigit() else None
    return None


def distribution_zip(cache: Path | None = None) -> Path:
    """The cached distribution zip, fetched once with ``mvn`` when missing."""
    cache = cache or settings.cache()
    target = cache / f"opensearch-{OPENSEARCH_VERSION}.zip"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    if shutil.which("mvn") is None:
        raise NodeError(
            "cannot fetch OpenSearch: `mvn` is not installed",
            hint="run `make setup` (it installs maven), or set MUCLUC_OPENSEARCH_URL",
        )
    print(f"Fetching OpenSearch {OPENSEARCH_VERSION} with mvn (once; cached in {cache})…")
    result = subprocess.run(
        ["mvn", "-q", "-B", "dependency:get", f"-Dartifact={MAVEN_ARTIFACT}", "-Dtransitive=false"],
        capture_output=True,
        text=True,
    )
    local = (
        Path.home()
        / ".m2/repository/org/opensearch/distribution/integ-test-zip/opensearch"
        / OPENSEARCH_VERSION
        / f"opensearch-{OPENSEARCH_VERSION}.zip"
    )
    if result.returncode != 0 or not local.exists():
        last = (result.stdout + result.stderr).strip().splitlines()[-1:] or ["no output"]
        raise NodeError(
            f"mvn could not fetch {MAVEN_ARTIFACT}: {last[0][:200]}",
            hint="check that the package registry is reachable, or set MUCLUC_OPENSEARCH_URL",
        )
    partial = target.with_suffix(".part")
    shutil.copyfile(local, partial)
    partial.replace(target)
    return target


def installation(cache: Path | None = None) -> Path:
    """The unzipped distribution, shared read-only by every node on this machine."""
    cache = cache or settings.cache()
    home = cache / f"opensearch-{OPENSEARCH_VERSION}"
    if (home / "bin" / "opensearch").exists():
        return home
    archive = distribution_zip(cache)
    staging = cache / f".unzip-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(staging)
    inner = staging / f"opensearch-{OPENSEARCH_VERSION}"
    for script in (inner / "bin").iterdir():
        script.chmod(0o755)
    for tool in inner.glob("jdk/bin/*"):
        tool.chmod(0o755)
    shutil.rmtree(home, ignore_errors=True)
    inner.replace(home)
    shutil.rmtree(staging, ignore_errors=True)
    make_world_readable(cache)
    return home
