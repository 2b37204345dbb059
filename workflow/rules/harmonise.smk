rule harmonise_trade:
    input:
        raw=trade_raw_file,
    output:
        "results/harmonised/trade/trade_{year}.parquet",
    params:
        dataset=config["datasets"]["trade"],
        format=dataset("trade")["format"],
    log:
        "results/logs/harmonise_trade/{year}.log",
    benchmark:
        "results/benchmarks/harmonise_trade/{year}.tsv"
    resources:
        mem_mb=1000,
    message:
        "Harmonising {wildcards.year} trade flows (ISO3 countries, HS6 strings, USD and kg)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/harmonise_trade.py"


rule harmonise_prices:
    input:
        cpi=raw_files("wdi_cpi"),
        fx=raw_files("wdi_exchange_rate"),
    output:
        "results/harmonised/prices.parquet",
    params:
        base_year=config["prices"]["cpi_base_year"],
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
        indstat=raw_files("indstat")[0],
        ilostat_employment=raw_files("ilostat_employment")[0],
        ilostat_earnings=raw_files("ilostat_earnings")[0],
        prices="results/harmonised/prices.parquet",
    output:
        "results/harmonised/labour.parquet",
    params:
        gvcs={chain: GVCS[chain] for chain in CHAINS},
        chains=CHAINS,
        years=[config["years"]["start"], config["years"]["end"]],
    log:
        "results/logs/harmonise_labour.log",
    benchmark:
        "results/benchmarks/harmonise_labour.tsv"
    message:
        "Harmonising employment and wages per value chain (persons; real wages in national currency)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/harmonise_labour.py"
