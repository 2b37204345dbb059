"""The demo world: generated raw files in the exact formats of the real sources.

:func:`generate_demo_world` writes a CEPII BACI release zip, a UNIDO INDSTAT file, ILOSTAT bulk
CSVs and World Bank WDI bulk CSVs from one seed; :func:`true_panel` returns the latent panel
behind them, and :data:`TRUE_COEFFICIENTS` the relationships the tests recover. The model is
described in :mod:`gvc_upgrading.demo.world`; each source's file is written by a module of its own
(:mod:`~gvc_upgrading.demo.baci`, :mod:`~gvc_upgrading.demo.indstat`,
:mod:`~gvc_upgrading.demo.ilostat`, :mod:`~gvc_upgrading.demo.wdi`).
"""

from .generate import generate_demo_world
from .simulate import true_panel
from .world import (
    COEFFICIENT_TOLERANCE,
    COUNTRIES,
    FILES,
    OTHER_PRODUCTS,
    TRUE_COEFFICIENTS,
    VALUE_CHAINS,
    WDI_AGGREGATES,
    ZIP_DATE,
)

__all__ = ["COEFFICIENT_TOLERANCE", "COUNTRIES", "FILES", "OTHER_PRODUCTS", "TRUE_COEFFICIENTS",
           "VALUE_CHAINS", "WDI_AGGREGATES", "ZIP_DATE", "generate_demo_world", "true_panel"]
