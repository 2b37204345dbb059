"""The demo world: generated raw files in the exact formats of the real sources.

:func:`generate_demo_world` writes a CEPII BACI release zip, a UNIDO INDSTAT file, ILOSTAT bulk
CSVs and World Bank WDI bulk CSVs from one seed; :func:`true_panel` returns the latent panel
behind them, and :data:`TRUE_COEFFICIENTS`, :data:`DECENT_WORK_COEFFICIENTS` and
:data:`RIGHTS_TRENDS` the relationships the tests recover. The model is described in
:mod:`gvc_upgrading.demo.world` and drawn by :mod:`~gvc_upgrading.demo.simulate` and
:mod:`~gvc_upgrading.demo.social`; each source's files are written by modules of their own
(:mod:`~gvc_upgrading.demo.baci`, :mod:`~gvc_upgrading.demo.indstat`,
:mod:`~gvc_upgrading.demo.ilostat` with :mod:`~gvc_upgrading.demo.ilostat_work` and
:mod:`~gvc_upgrading.demo.ilostat_rights`, :mod:`~gvc_upgrading.demo.wdi`,
:mod:`~gvc_upgrading.demo.tiva`). :func:`true_value_added` returns the latent TiVA series and
:data:`TRUE_VALUE_CAPTURE` the effect of relative prices on the value kept.
"""

from .generate import generate_demo_world
from .simulate import simulate, true_panel
from .tiva import EDITION_ECONOMIES, TRUE_VALUE_CAPTURE, tiva_panel
from .world import (
    COEFFICIENT_TOLERANCE,
    COUNTRIES,
    DECENT_WORK_COEFFICIENTS,
    FILES,
    OTHER_PRODUCTS,
    RIGHTS_GROUPS,
    RIGHTS_TRENDS,
    SECTION_FEMALE_SHARE,
    SECTIONS,
    TRUE_COEFFICIENTS,
    VALUE_CHAINS,
    WDI_AGGREGATES,
    ZIP_DATE,
)


def true_value_added(seed: int, n_countries: int = 50, years: tuple[int, int] = (1995, 2022)):
    """The latent TiVA series behind :func:`generate_demo_world` with the same arguments
    (:func:`gvc_upgrading.demo.tiva.tiva_panel`)."""
    return tiva_panel(simulate(seed, n_countries, years))


__all__ = ["COEFFICIENT_TOLERANCE", "COUNTRIES", "DECENT_WORK_COEFFICIENTS", "EDITION_ECONOMIES",
           "FILES", "OTHER_PRODUCTS", "RIGHTS_GROUPS", "RIGHTS_TRENDS", "SECTION_FEMALE_SHARE",
           "SECTIONS", "TRUE_COEFFICIENTS", "TRUE_VALUE_CAPTURE", "VALUE_CHAINS", "WDI_AGGREGATES",
           "ZIP_DATE", "generate_demo_world", "true_panel", "true_value_added"]
