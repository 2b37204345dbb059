"""Analysis of the harmonised tables: upgrading indicators, classification rules, robustness of
the verdicts, regression estimates and country-group comparisons.
"""
