"""Readers of the providers' file formats: one module per format (CEPII BACI, UN Comtrade,
ILOSTAT, UNIDO INDSTAT, World Bank WDI) and safe reading of archives. A reader turns a raw file
into a checked table in the provider's own codes and units; it knows nothing of value chains,
country crosswalks or later stages.
"""
