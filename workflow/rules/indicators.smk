rule compute_indicators:
    input:
        trade=expand("results/harmonised/trade/trade_{year}.parquet", year=YEARS),
        labour="results/harmonised/labour.parquet",
    output:
        table="results/indicators/indicators.parquet",
        csv="results/indicators/indicators.csv",
    params:
        gvcs={chain: GVCS[chain] for chain in CHAINS},
        chains=CHAINS,
        years=[config["years"]["start"], config["years"]["end"]],
    log:
        "results/logs/compute_indicators.log",
    benchmark:
        "results/benchmarks/compute_indicators.tsv"
    resources:
        mem_mb=4000,
    message:
        "Computing market shares, unit values, employment and real wages per country, chain and year"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/compute_indicators.py"
