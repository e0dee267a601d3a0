from pathlib import Path

# A small slice of data/ for tests that load the catalog, labour data or bundled postings (see its README).
SAMPLE_DATA_DIR = Path(__file__).parent / "data"
