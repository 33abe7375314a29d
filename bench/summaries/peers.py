"""Peer summarisers: lead baselines and sumy's LexRank, TextRank and LSA, all offline.

Every peer takes a cluster's articles (dicts with "text", "date", in the data set's file order)
and a word budget, and returns a list of sentences whose whitespace word count reaches the budget
(ROUGE's -l truncates the rest, counting words the same way), unless the method runs out of text.

sumy's default tokenizer needs NLTK's punkt model, which cannot be downloaded here, so sumy gets
PysbdTokenizer below: sentences from pysbd (the same splitter the harness uses for references and
lead baselines) and words from a regex that mimics what sumy keeps of NLTK's word_tokenize.
"""
import re
from functools import lru_cache

import pysbd
from sumy.nlp.stemmers import Stemmer
from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

_SEGMENTER = pysbd.Segmenter(language="en", clean=False)

# sumy keeps only tokens matching ^[^\W\d_](?:[^\W\d_]|['-])*$ from word_tokenize: letters with
# inner hyphens/apostrophes, no digits.  Keeping the apostrophe (rather than splitting "aren't"
# the NLTK way) lets contractions meet sumy's English stop list, which spells them that way;
# Snowball strips the possessive 's.
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def split_sentences(text):
    """pysbd sentences of a text, paragraph by paragraph (paragraphs are "\\n\\n"-separated)."""
    out = []
    for para in text.split("\n\n"):
        para = " ".join(para.split())
        if para:
            out.extend(s.strip() for s in _SEGMENTER.segment(para) if s.strip())
    return out


def n_words(sentences):
    return sum(len(s.split()) for s in sentences)


class PysbdTokenizer:
    """Duck-types sumy.nlp.tokenizers.Tokenizer (language, to_sentences, to_words)."""

    language = "english"

    @staticmethod
    def to_sentences(paragraph):
        return tuple(split_sentences(paragraph))

    @staticmethod
    def to_words(sentence):
        return tuple(w.replace("’", "'") for w in _WORD.findall(sentence))


def _take_words(sentences, words):
    out = []
    for s in sentences:
        if n_words(out) >= words:
            break
        out.append(s)
    return out


# --- lead baselines ---------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _cached_split(text):
    return tuple(split_sentences(text))


def first_k(articles, words, k=3):
    """First-k as in Fabbri et al. 2019: the first k sentences of every article, in article
    order.  Deliberately not padded to `words`: that is the published baseline's definition."""
    out = []
    for a in articles:
        out.extend(_cached_split(a["text"])[:k])
    return out


def newest_lead(articles, words):
    """Lead of the newest article (latest date; last in file order on ties) up to `words`.
    None when no article has a date: "newest" is then undefined."""
    dated = [(a["date"], i) for i, a in enumerate(articles) if a.get("date")]
    if not dated:
        return None
    newest = articles[max(dated)[1]]
    return _take_words(_cached_split(newest["text"]), words)


# --- sumy -------------------------------------------------------------------------------------

_SUMY = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer, "LSA": LsaSummarizer}
SUMY_NAMES = tuple(_SUMY)


def make_sumy(name):
    s = _SUMY[name](Stemmer("english"))
    s.stop_words = get_stop_words("english")
    return s


def cluster_text(articles):
    # Articles concatenated as paragraphs; PlaintextParser treats blank lines as paragraph
    # breaks, so article (and Multi-News paragraph) boundaries stay sentence boundaries.
    return "\n\n".join(a["text"] for a in articles)


def sumy_summary(summarizer, articles, words):
    """Best-rated sentences until the budget is reached, returned the way sumy returns them
    (in document order: article order, then position).  sumy's count argument may be a
    callable over the rated sentences, best first, which is what turns a sentence count into
    a word budget.  Document order also matches the reference figures in shared/notes/rouge.md
    better than rank order does (see README)."""
    doc = PlaintextParser.from_string(cluster_text(articles), PysbdTokenizer()).document

    def count(infos):
        picked, n = [], 0
        for info in infos:
            if n >= words:
                break
            picked.append(info)
            n += len(str(info.sentence).split())
        return picked

    return [str(s) for s in summarizer(doc, count)]
