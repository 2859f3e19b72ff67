"""Text analysis shared by the engines: the domain stop list and edit distance."""
from __future__ import annotations

# Common stop lists drop "not", "no" and "may"; in this domain "was not brought" and
# "no recourse to public funds" depend on them.
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "if", "in", "is", "it",
    "of", "on", "or", "that", "the", "this", "to", "with", "their", "there", "which", "was",
    "were", "been", "has", "have", "had", "its", "into", "than", "then", "these", "those",
    # question words: practitioners type questions ("how is neglect identified early")
    "how", "what", "why", "who", "does", "do", "did", "can", "should", "we", "i",
})


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b, or limit + 1 as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


_ENDINGS = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "ment", "ments")


def inflections(word: str) -> list[str]:
    """The word and the forms it may be a regular inflection of (neglected: neglect, neglecte)."""
    forms = [word]
    for end in _ENDINGS:
        if word.endswith(end) and len(word) - len(end) >= 3:
            base = word[: -len(end)]
            forms += [base, base + "e"]
            if len(base) > 3 and base[-1] == base[-2]:  # stopped: stop
                forms.append(base[:-1])
    return forms
