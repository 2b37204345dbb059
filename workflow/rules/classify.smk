rule classify_upgrading:
    input:
        "results/indicators/indicators.parquet",
    output:
        "results/classification/classification.parquet",
    params:
        rule=config["classification"]["rule"],
        tolerance=config["classification"]["tolerance"],
        endpoint_years=config["classification"]["endpoint_years"],
        min_endpoint_observations=config["classification"]["min_endpoint_observations"],
        periods=config["classification"]["periods"],
    log:
        "results/logs/classify_upgrading.log",
    benchmark:
        "results/benchmarks/classify_upgrading.tsv"
    message:
        "Classifying economic and social upgrading per country, chain and period ({params.rule})"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/classify_upgrading.py"
