"""The raw-data store: downloads with checks and manifests, file locks, the dataset registry,
retrieval per provider, release probes, the scheduled refresh and the diff between vintages.
"""
