rule compute_indicators:
    input:
        trade=expand("results/harmonised/trade/trade_{year}.parquet", year=YEARS),
        labour="results/harmonised/labour.parquet",
        prices="results/harmonised/prices.parquet",
        dimensions="results/harmonised/dimensions.parquet",
        tourism=tourism_inputs(),
        value_added=value_added_inputs(),
    output:
        table="results/indicators/indicators.parquet",
        csv="results/indicators/indicators.csv",
    params:
        gvcs={chain: GVCS[chain] for chain in CHAINS},
        chains=CHAINS,
        years=[config["years"]["start"], config["years"]["end"]],
        usd_deflator=config["prices"]["usd_deflator"],
        dimensions=config["dimensions"],
        value_added=value_added_columns(),
    log:
        "results/logs/compute_indicators.log",
    benchmark:
        "results/benchmarks/compute_indicators.tsv"
    resources:
        mem_mb=2000,  # measured: 0.44 GB for the trade side of 4 years of 11 million flows
        runtime=60,
    message:
        "Computing market shares, unit values, employment and real wages per country, chain and year"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/compute_indicators.py"
