"""Harmonisation to tidy tables: one country crosswalk, HS and ISIC concordances, declared table
schemas, row accounting, and the trade, prices, labour and tourism tables built from the sources.
"""
