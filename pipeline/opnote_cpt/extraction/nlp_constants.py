"""Names shared by the extraction components."""

FINDINGS_GROUP = "opnote_findings"  # the span group holding the findings
TEXT_KEY = "opnote_text"  # doc.user_data key of the note text kept by TextKeepingTokenizer
