rule harmonise_trade:
    input:
        raw=trade_raw_file,
    output:
        table="results/harmonised/trade/trade_{year}.parquet",
        accounting="results/harmonised/accounting/trade_{year}.csv",
    params:
        dataset=config["datasets"]["trade"],
        format=dataset("trade")["format"],
        release=dataset("trade")["version"],
        historical_entities=config["harmonise"]["historical_entities"],
        missing=config["years"]["missing"],
    log:
        "results/logs/harmonise_trade/{year}.log",
    benchmark:
        "results/benchmarks/harmonise_trade/{year}.tsv"
    resources:
        mem_mb=1000,  # measured: 0.55 GB peak for an 11-million-flow year (benchmarks/)
        runtime=10,
    message:
        "Harmonising {wildcards.year} trade flows (ISO3 countries, HS6 strings, USD, kg; accounted; streamed)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/harmonise_trade.py"


rule harmonise_prices:
    input:
        cpi=raw_files("wdi_cpi"),
        fx=raw_files("wdi_exchange_rate"),
    output:
        table="results/harmonised/prices.parquet",
        accounting="results/harmonised/accounting/prices.csv",
    params:
        base_year=config["prices"]["cpi_base_year"],
        years=[config["years"]["start"], config["years"]["end"]],
        historical_entities=config["harmonise"]["historical_entities"],
    log:
        "results/logs/harmonise_prices.log",
    benchmark:
        "results/benchmarks/harmonise_prices.tsv"
    message:
        "Harmonising consumer prices and exchange rates (CPI base {params.base_year} = 100)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/harmonise_prices.py"


rule harmonise_labour:
    input:
        indstat=needed_raw_file("indstat"),
        ilostat_employment=needed_raw_file("ilostat_employment"),
        ilostat_earnings=needed_raw_file("ilostat_earnings"),
        prices="results/harmonised/prices.parquet",
    output:
        table="results/harmonised/labour.parquet",
        accounting="results/harmonised/accounting/labour.csv",
    params:
        gvcs={chain: GVCS[chain] for chain in CHAINS},
        chains=CHAINS,
        years=[config["years"]["start"], config["years"]["end"]],
        historical_entities=config["harmonise"]["historical_entities"],
        isic_break=config["harmonise"]["isic_break"],
        series_break=config["harmonise"]["series_break"],
        labour_fallback=config["harmonise"]["labour_fallback"],
        ilostat_indicators={
            kind: dataset(f"ilostat_{kind}").get("indicator")
            for kind in ("employment", "earnings")
            if f"ilostat_{kind}" in NEEDED_ROLES
        },
    log:
        "results/logs/harmonise_labour.log",
    benchmark:
        "results/benchmarks/harmonise_labour.tsv"
    message:
        "Harmonising employment and wages per value chain (ISIC break: {params.isic_break}, "
        "series break: {params.series_break})"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/harmonise_labour.py"


rule harmonise_dimensions:
    input:
        unpack(dimension_inputs),
    output:
        table="results/harmonised/dimensions.parquet",
        accounting="results/harmonised/accounting/dimensions.csv",
    params:
        dimensions=config["dimensions"],
        gvcs={chain: GVCS[chain] for chain in CHAINS},
        chains=[chain for chain in CHAINS if not is_tourism(GVCS[chain])],
        years=[config["years"]["start"], config["years"]["end"]],
        historical_entities=config["harmonise"]["historical_entities"],
    log:
        "results/logs/harmonise_dimensions.log",
    benchmark:
        "results/benchmarks/harmonise_dimensions.tsv"
    resources:
        mem_mb=1000,  # measured: about 0.5 GB for the real 50 MB ILOSTAT bulk files
    message:
        "Harmonising the decent-work dimensions read from ILOSTAT files (hours, informality, rights, ...)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/harmonise_dimensions.py"


rule harmonise_tourism:
    input:
        receipts=raw_files("wdi_tourism_receipts") if TOURISM_CHAINS else [],
        arrivals=raw_files("wdi_tourism_arrivals") if TOURISM_CHAINS else [],
    output:
        table="results/harmonised/tourism.parquet",
        accounting="results/harmonised/accounting/tourism.csv",
    params:
        years=[config["years"]["start"], config["years"]["end"]],
        historical_entities=config["harmonise"]["historical_entities"],
    log:
        "results/logs/harmonise_tourism.log",
    benchmark:
        "results/benchmarks/harmonise_tourism.tsv"
    message:
        "Harmonising international tourism receipts and arrivals (WDI) for the tourism chains"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/harmonise_tourism.py"


rule harmonise_value_added:
    input:
        tiva=[raw_files(role)[0] for role in value_added_roles()],
    output:
        table="results/harmonised/value_added.parquet",
        accounting="results/harmonised/accounting/value_added.csv",
    params:
        flows=value_added_flows(),
        chain_activities={chain: GVCS[chain].get("tiva_activity") for chain in CHAINS},
        years=[config["years"]["start"], config["years"]["end"]],
        historical_entities=config["harmonise"]["historical_entities"],
    log:
        "results/logs/harmonise_value_added.log",
    benchmark:
        "results/benchmarks/harmonise_value_added.tsv"
    message:
        "Harmonising OECD TiVA value added per country, value chain (its industry) and year"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/harmonise_value_added.py"


rule tabulate_accounting:
    input:
        expand("results/harmonised/accounting/trade_{year}.csv", year=YEARS),
        "results/harmonised/accounting/prices.csv",
        "results/harmonised/accounting/dimensions.csv",
        "results/harmonised/accounting/labour.csv",
        tourism_accounting(),
        value_added_accounting(),
    output:
        csv="results/harmonised/accounting.csv",
        html=report(
            "results/harmonised/accounting.html",
            category="Data",
            subcategory="Row accounting",
            caption="../report/accounting.rst",
        ),
    log:
        "results/logs/tabulate_accounting.log",
    benchmark:
        "results/benchmarks/tabulate_accounting.tsv"
    message:
        "Collecting the row accounting of every harmonisation step"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/tabulate_accounting.py"


rule plot_coverage:
    input:
        "results/indicators/indicators.parquet",
    output:
        reported(
            expand("results/figures/coverage.{ext}", ext=config["figures"]["formats"]),
            category="Data",
            subcategory="Data coverage",
            caption="../report/coverage.rst",
        ),
    params:
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
        dimensions={
            name: {"label": dim.label, "column": dim.column} for name, dim in DIMENSIONS.items()
        },
        formats=config["figures"]["formats"],
        dpi=config["figures"]["dpi"],
    log:
        "results/logs/plot_coverage.log",
    benchmark:
        "results/benchmarks/plot_coverage.tsv"
    message:
        "Plotting data coverage: trade and labour data per country, year and value chain"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/plot_coverage.py"
