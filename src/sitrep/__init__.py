"""sitrep: news in, trustworthy structured event data out.

    import sitrep
    result = sitrep.extract(text, published="2022-03-29")   # one article -> ArticleResult
    nlp = sitrep.load()                                      # the spaCy pipeline with every stage
"""

from sitrep.model import ArticleResult, Failure
from sitrep.pipeline import extract, load, process

__version__ = "0.1.0"
__all__ = ["ArticleResult", "Failure", "__version__", "extract", "load", "process"]
