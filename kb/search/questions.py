"""Practitioners ask questions ("what did reviews say about fathers?", "how should we share
information with schools?"). The words that frame a question name no learning: every review
"says" and "found", so on the keyword side they only add noise. `content_of` keeps the part
that carries the subject; the meaning side still embeds the whole question."""
from __future__ import annotations

import re

# the frame at the start of a question, in the forms practitioners write it
_FRAMES = [
    r"what (?:did|do|does|can|could|should|have|has) (?:the )?(?:reviews?|we|practitioners|professionals|agencies|partnerships?|"
    r"learning|audits?|reports?|case reviews?|serious case reviews?)(?: reviews?)? "
    r"(?:say|said|tell us|learn(?:t|ed)?|find|found|recommend(?:ed)?|show(?:ed)?|know|do|done)"
    r"(?: about| on| regarding| in relation to| when| if)?",
    r"what (?:is|are|was|were) (?:the )?(?:learning|lessons?|findings?|recommendations?|messages?|themes?|issues?)"
    r"(?: from reviews?)?(?: about| on| for| regarding| around| in relation to)?",
    r"what (?:lessons?|learning) (?:is|are|was|were|can be|have been) (?:there |learn(?:t|ed) )?"
    r"(?:about|on|from|regarding)?",
    r"(?:are there|is there|have there been|were there) (?:any )?(?:reviews?|lessons?|learning|findings?|cases?) "
    r"(?:about|on|where|in which|that|regarding|involving)?",
    r"(?:tell me|show me|find|i need|i want|looking for|anything|examples?) (?:about|on|of|regarding|where)?",
    r"(?:how|why|when) (?:should|can|could|do|did|does|would|might|must) (?:we|i|you|professionals|practitioners|"
    r"agencies|staff|workers|services)",
]
_FRAME = re.compile(r"^\s*(?:" + "|".join(_FRAMES) + r")\b\s*", re.I)


def content_of(query: str) -> str:
    """The query without a question's frame or its question mark; the query itself when it has
    no frame, or when nothing would be left."""
    stripped = _FRAME.sub("", query).strip().rstrip("?").strip()
    return stripped if len(re.findall(r"[A-Za-z0-9]+", stripped)) >= 1 else query.rstrip("?").strip() or query
