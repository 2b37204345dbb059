rule tabulate_regressions:
    input:
        "results/estimates/estimates.parquet",
    output:
        md="results/tables/regressions.md",
        tex="results/tables/regressions.tex",
        html=report(
            "results/tables/regressions.html",
            category="Regressions",
            subcategory="Table",
            caption="../report/regressions.rst",
        ),
    params:
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
    log:
        "results/logs/tabulate_regressions.log",
    benchmark:
        "results/benchmarks/tabulate_regressions.tsv"
    message:
        "Writing the regression table (Markdown, LaTeX, HTML)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/tabulate_regressions.py"


rule tabulate_quadrants:
    input:
        "results/classification/classification.parquet",
    output:
        csv="results/tables/quadrant_counts.csv",
        md="results/tables/quadrant_counts.md",
        html=report(
            "results/tables/quadrant_counts.html",
            category="Upgrading",
            subcategory="Counts",
            caption="../report/quadrant_counts.rst",
        ),
    params:
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
    log:
        "results/logs/tabulate_quadrants.log",
    benchmark:
        "results/benchmarks/tabulate_quadrants.tsv"
    message:
        "Counting countries per economic x social upgrading quadrant"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/tabulate_quadrants.py"


rule compare_country_groups:
    input:
        "results/classification/classification.parquet",
    output:
        csv="results/tables/group_comparison.csv",
        md="results/tables/group_comparison.md",
        html=report(
            "results/tables/group_comparison.html",
            category="Upgrading",
            subcategory="Country groups",
            caption="../report/group_comparison.rst",
        ),
    params:
        groups=config["country_groups"]["groups"],
        rest=config["country_groups"]["rest"],
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
    log:
        "results/logs/compare_country_groups.log",
    benchmark:
        "results/benchmarks/compare_country_groups.tsv"
    message:
        "Comparing upgrading classes between the country groups of config country_groups"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/compare_country_groups.py"


rule tabulate_descriptives:
    input:
        "results/indicators/indicators.parquet",
    output:
        csv="results/tables/descriptives.csv",
        md="results/tables/descriptives.md",
        tex="results/tables/descriptives.tex",
        html=report(
            "results/tables/descriptives.html",
            category="Data",
            subcategory="Descriptive statistics",
            caption="../report/descriptives.rst",
        ),
    params:
        specifications=SPECIFICATIONS,
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        variables=VARIABLES,
    log:
        "results/logs/tabulate_descriptives.log",
    benchmark:
        "results/benchmarks/tabulate_descriptives.tsv"
    message:
        "Writing descriptive statistics of the regression variables per value chain"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/tabulate_descriptives.py"


rule tabulate_data_availability:
    input:
        trade=expand("results/harmonised/trade/trade_{year}.parquet", year=YEARS),
        labour="results/harmonised/labour.parquet",
        prices="results/harmonised/prices.parquet",
        indicators="results/indicators/indicators.parquet",
    output:
        years="results/tables/data_availability_years.csv",
        variables="results/tables/variable_coverage.csv",
        md="results/tables/data_availability.md",
        html=report(
            "results/tables/data_availability.html",
            category="Data",
            subcategory="Availability",
            caption="../report/data_availability.rst",
        ),
    params:
        years=YEARS,
        datasets=USED_DATASETS,
        variables=AVAILABILITY_VARIABLES,
        specs_left_out=SPECS_LEFT_OUT,
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
    log:
        "results/logs/tabulate_data_availability.log",
    benchmark:
        "results/benchmarks/tabulate_data_availability.tsv"
    message:
        "Listing the years each source has and the variables each value chain has or lost"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/tabulate_data_availability.py"
