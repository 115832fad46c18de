"""Administrative dossiers: procedures catalogue, dossier facts and status events, ingestion,
incremental aggregates and the real-time service index of Decision 766/QĐ-TTg."""
