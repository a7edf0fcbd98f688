"""The shipped ranker (ranker.skops + ranker.json), installed as the data package opnote_cpt.models."""
