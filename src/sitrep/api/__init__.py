"""sitrep's REST API and dashboard server: `create_app(db_path)` (FastAPI), served by `sitrep serve`."""

from sitrep.api.app import create_app

__all__ = ["create_app"]
