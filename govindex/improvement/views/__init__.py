"""Pages of the improvement app, one module per screen family."""
