"""What a reader sees: publication tables, figures, in-text numbers, provenance and the outputs
map, and the replication report against published values.
"""
