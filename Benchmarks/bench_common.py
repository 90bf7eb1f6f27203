"""What the service benchmarks share: the 2 KB prompt they send (synthetic PHI: a 555-01xx phone, an SSN, an
example.com address) and their percentile. Imported by serve-stdio.py, serve-http.py and cabi-python.py, which run
from this folder."""


def prompt_2kb() -> str:
    head = (
        "User asks about the discharge summary. Patient phone (312) 555-0134, SSN 365-94-0475, "
        "contact jroe@example.com. "
    )
    filler = "The assistant reviews the notes, the medication list and the follow-up plan before answering. "
    text = head
    while len(text.encode()) < 2048:
        text += filler
    return text.encode()[:2048].decode("ascii", "ignore")


def pct(values, p):
    """The p-th percentile of `values` (nearest rank)."""
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))]
