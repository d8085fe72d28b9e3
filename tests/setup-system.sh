#!/usr/bin/env bash
# The system packages the tests need, in one place: tests/browser.rs and tests/pdf.rs run this
# when they start, and .ci/run before the README's test command. It installs what is missing
# when run as root; as another user it changes nothing, prints the one command to run and fails.
#
#   tests/setup-system.sh            install what is missing (root), or say what to run
#   tests/setup-system.sh --list     print the packages, one a line
set -euo pipefail

# Debian packages.
APT_PACKAGES=(
  chromium                    # headless browser: the browser suite, `nenpo pdf`
  fonts-noto-cjk              # CJK text in screenshots and Lighthouse; Chinese in the PDF
  fonts-morisawa-bizud-gothic # the PDF's Japanese and Latin face (TrueType: embedded as subsets)
  fonts-nanum                 # the PDF's Korean face
  fonts-dejavu-core           # the PDF's code face
  poppler-utils               # pdfinfo, pdftotext, pdffonts: tests/pdf.rs reads the PDFs
  qpdf                        # tests/pdf.rs checks the PDFs' structure
  gettext                     # msgfmt --check reads back the PO files of `nenpo translations export`
)
# Python packages (pip name:module name), for tests that read output back with other tools.
PIP_PACKAGES=(
  openpyxl:openpyxl           # XLSX downloads
  translate-toolkit:translate # PO and XLIFF files
)

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${APT_PACKAGES[@]}"
  for p in "${PIP_PACKAGES[@]}"; do echo "pip:${p%%:*}"; done
  exit 0
fi

missing_apt=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing_apt+=("$p")
  fi
done
missing_pip=()
for p in "${PIP_PACKAGES[@]}"; do
  if ! python3 -c "import ${p#*:}" >/dev/null 2>&1; then
    missing_pip+=("${p%%:*}")
  fi
done
if [[ ${#missing_apt[@]} -eq 0 && ${#missing_pip[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "the tests need packages that are not installed: ${missing_apt[*]+${missing_apt[*]} }${missing_pip[*]}" >&2
  echo "run once: sudo $(realpath "$0")" >&2
  exit 1
fi
if [[ ${#missing_apt[@]} -gt 0 ]]; then
  echo "setup-system: apt-get install ${missing_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing_apt[@]}" >/dev/null
fi
if [[ ${#missing_pip[@]} -gt 0 ]]; then
  echo "setup-system: pip install ${missing_pip[*]}" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${missing_pip[@]}"
fi
