"""Names shared by the extraction components."""

FINDINGS_GROUP = "opnote_findings"  # the span group holding the findings
