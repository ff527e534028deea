"""Data sitrep builds from pinned PyPI packages: the GeoNames gazetteer and country tables."""
