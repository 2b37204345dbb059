rule estimate_social_on_economic:
    input:
        "results/indicators/indicators.parquet",
    output:
        table="results/estimates/estimates.parquet",
        csv="results/estimates/estimates.csv",
    params:
        specifications=SPECIFICATIONS,
        periods=config["classification"]["periods"],
        endpoint_years=config["classification"]["endpoint_years"],
        variables=VARIABLES,
    log:
        "results/logs/estimate_social_on_economic.log",
    benchmark:
        "results/benchmarks/estimate_social_on_economic.tsv"
    message:
        "Estimating social-upgrading outcomes on economic-upgrading indicators "
        "({params.specifications[0][id]} and other specifications)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/estimate_social_on_economic.py"
