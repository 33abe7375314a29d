# Where the shared data sets are, for every benchmark script (source it; it sets SHARED, the
# shared folder, and SHARED_DATA, its data sets): $STORYLINE_SHARED, else ../shared beside
# the repository. STORYLINE_SHARED is exported resolved, so the Python scripts (bench/shared.py)
# and the Rust binaries (storyline_bench::shared_data) find the same folder.
# The data sets have research licences: read them there, never copy them into the repository.
SHARED="$(cd "${STORYLINE_SHARED:-$(dirname "${BASH_SOURCE[0]}")/../../shared}" 2>/dev/null && pwd)" || {
    echo "no shared data at ${STORYLINE_SHARED:-../shared}: set STORYLINE_SHARED to the shared folder" >&2
    exit 1
}
export STORYLINE_SHARED="$SHARED"
SHARED_DATA="$SHARED/data"
