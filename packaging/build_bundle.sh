#!/usr/bin/env bash
# Build labeler as a desktop bundle: one folder with a `labeler` launcher that carries its own
# Python, Qt, ONNX Runtime and the demo data, so a vendor's machine needs no Python at all.
#
#   packaging/build_bundle.sh [OUT_DIR]        (default: dist/bundle)
#   ORT=onnxruntime packaging/build_bundle.sh  (CPU-only ONNX Runtime: a third of the size,
#                                               for vendor laptops without an NVIDIA GPU)
#
# Tool: PyInstaller (one-folder mode). Qt's pyside6-deploy compiles with Nuitka: a C compiler
# and tens of minutes per build; PyInstaller freezes the interpreter and packages as they are
# in minutes, and has maintained hooks for everything labeler ships (PySide6, onnxruntime,
# OpenCV, SciPy, Shapely). A one-folder bundle starts faster than a one-file archive (nothing
# to unpack at each start) and is zipped for hand-over.
#
# The build runs in a fresh virtual environment (build/bundle/venv), installs labeler from
# this checkout with its declared dependencies, freezes it, then checks the result the way
# a user would run it: offscreen `labeler --version` and `labeler demo --screenshot` from a
# temporary folder. It prints the bundle's size and its start-up times.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/dist/bundle}"
BUILD="$ROOT/build/bundle"
PYTHON="${PYTHON:-python3}"
PYINSTALLER_VERSION="6.22.3"
ORT="${ORT:-onnxruntime-gpu}"  # the ONNX Runtime package the bundle carries

mkdir -p "$BUILD"
if [ ! -x "$BUILD/venv/bin/python" ]; then
    "$PYTHON" -m venv "$BUILD/venv"
fi
VENV_PY="$BUILD/venv/bin/python"
echo "== installing labeler and PyInstaller $PYINSTALLER_VERSION into $BUILD/venv"
"$VENV_PY" -m pip install -q --upgrade pip
"$VENV_PY" -m pip install -q "$ROOT" "pyinstaller==$PYINSTALLER_VERSION"
if [ "$ORT" != "onnxruntime-gpu" ]; then
    "$VENV_PY" -m pip uninstall -q -y onnxruntime-gpu
    "$VENV_PY" -m pip install -q "$ORT"
fi

echo "== freezing"
started=$(date +%s)
"$VENV_PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --name labeler \
    --distpath "$OUT" --workpath "$BUILD/work" --specpath "$BUILD" \
    --collect-submodules labeler --collect-submodules inference \
    --collect-data labeler \
    --copy-metadata labeler --copy-metadata "$ORT" \
    --exclude-module torch --exclude-module pandas --exclude-module matplotlib \
    --exclude-module tkinter --exclude-module IPython \
    "$ROOT/packaging/bundle_entry.py"
echo "froze in $(( $(date +%s) - started )) s"

APP="$OUT/labeler/labeler"
CHECK="$(mktemp -d)"
trap 'rm -rf "$CHECK"' EXIT
echo "== checking the bundle from $CHECK (offscreen, no Python on PATH)"
cd "$CHECK"
CLEAN_ENV=(env -i HOME="$CHECK" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen PATH=/usr/bin:/bin)
t0=$(date +%s.%N)
"${CLEAN_ENV[@]}" "$APP" --version
t1=$(date +%s.%N)
"${CLEAN_ENV[@]}" "$APP" --version >/dev/null  # warm: the files are in the page cache now
t2=$(date +%s.%N)
"${CLEAN_ENV[@]}" "$APP" demo demo --images 12 --screenshot "$CHECK/demo.png"
t3=$(date +%s.%N)
test -s "$CHECK/demo.png"
cp "$CHECK/demo.png" "$OUT/check-demo.png"

size=$(du -sh "$OUT/labeler" | cut -f1)
files=$(find "$OUT/labeler" -type f | wc -l)
echo "== bundle: $OUT/labeler ($size, $files files)"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN { printf "start-up: labeler --version \
%.2f s cold, %.2f s warm; demo build + window + screenshot %.2f s\n", b - a, c - b, d - c }'
echo "screenshot of the bundled app: $OUT/check-demo.png"
ARCHIVE="$OUT/labeler-$(uname -s | tr A-Z a-z)-$(uname -m).tar.gz"
tar -C "$OUT" -czf "$ARCHIVE" labeler
echo "archive to hand over: $ARCHIVE ($(du -sh "$ARCHIVE" | cut -f1)); unpack and run labeler/labeler"
