# Reproducing a published analysis: the run's results against a table of the paper's values
# (config replication.published). rule all requests the outputs only when one is set
# (replication_outputs in common.smk).


rule compare_with_published:
    input:
        classification="results/classification/classification.parquet",
        published=published_table,
    output:
        csv="results/replication/replication.csv",
        md="results/replication/replication.md",
        html=report(
            "results/replication/replication.html",
            category="Replication",
            subcategory="Published values",
            caption="../report/replication.rst",
        ),
    params:
        tolerance=config["replication"]["tolerance"],
        absolute_tolerance=config["replication"]["absolute_tolerance"],
        value_chains=CHAINS,
        periods=[period["label"] for period in config["classification"]["periods"]],
        labels={chain: GVCS[chain]["label"] for chain in CHAINS},
    log:
        "results/logs/compare_with_published.log",
    benchmark:
        "results/benchmarks/compare_with_published.tsv"
    message:
        "Comparing the classification with the published values in {input.published}"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/compare_with_published.py"
