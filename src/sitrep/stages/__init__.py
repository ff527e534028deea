"""sitrep's pipeline stages, one module each; every stage is a registered spaCy component.

| factory | module | writes |
|---|---|---|
| `sitrep_paragraphs` | `paragraphs.py` | `token.is_sent_start` (before the parser: a line break starts a sentence) |
| `sitrep_places` | `places.py` | `doc._.places` |
| `sitrep_times` | `times.py` | `doc._.times` |
| `sitrep_actors` | `actors.py` | `doc._.actors` |
| `sitrep_quotes` | `quotes.py` | `doc._.quotes` |
| `sitrep_quantities` | `quantities.py` | `doc._.quantities` |
| `sitrep_events` | `events.py` | `doc._.events` |

Importing a stage module registers its factory and does no other work: data (the gazetteer, trained
weights) is loaded when the component is created or initialised, never at import.
"""

STAGE_ORDER = (
    "sitrep_places",
    "sitrep_times",
    "sitrep_actors",
    "sitrep_quotes",
    "sitrep_quantities",
    "sitrep_events",
)
