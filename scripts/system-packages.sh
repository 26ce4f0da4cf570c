#!/usr/bin/env bash
# Installs the Debian packages Mục lục needs, only those missing. Usage:
#   scripts/system-packages.sh demo   # running the catalogue
#   scripts/system-packages.sh test   # plus the peers and browser the tests talk to
set -euo pipefail

DEMO_PACKAGES=(maven unzip libicu-dev pkg-config python3-venv)
TEST_PACKAGES=(yaz idzebra-2.0 chromium wrk)
# `docker-compose config` validates docker/compose.yaml where the compose plugin is missing.
TEST_PACKAGES+=(docker-compose)
# The Z39.50 gateway (`mucluc z3950 start`) for libraries whose systems speak only Z39.50.
DEMO_PACKAGES+=(libnet-z3950-simple2zoom-perl)

wanted=("${DEMO_PACKAGES[@]}")
if [[ "${1:-demo}" == "test" ]]; then
    wanted+=("${TEST_PACKAGES[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
        SUDO=sudo
    else
        echo "mucluc setup: these Debian packages are missing: ${missing[*]}" >&2
        echo "mucluc setup: install them as root (apt-get install ${missing[*]}) and run make again" >&2
        exit 1
    fi
else
    SUDO=""
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
