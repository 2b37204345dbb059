rule describe_provenance:
    input:
        raw=[path for role in dataset_roles() for path in raw_files(role)],
        config_files=[config["value_chains_file"], REGISTRY_FILE],
    output:
        json="results/provenance/provenance.json",
        html=report(
            "results/provenance/provenance.html",
            category="Provenance",
            subcategory="Data, software and configuration",
            caption="../report/provenance.rst",
        ),
    params:
        datasets={
            role: {"id": config["datasets"][role], **REGISTRY[config["datasets"][role]]}
            for role in dataset_roles()
        },
        files={role: raw_files(role) for role in dataset_roles()},
        config=config,
    log:
        "results/logs/describe_provenance.log",
    benchmark:
        "results/benchmarks/describe_provenance.tsv"
    message:
        "Recording the provenance of the run: datasets, sha256 of the raw files, software, config"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/describe_provenance.py"


rule collect_numbers:
    input:
        indicators="results/indicators/indicators.parquet",
        classification="results/classification/classification.parquet",
        estimates="results/estimates/estimates.parquet",
    output:
        report(
            "results/numbers.json",
            category="Provenance",
            subcategory="In-text numbers",
            caption="../report/numbers.rst",
        ),
    log:
        "results/logs/collect_numbers.log",
    benchmark:
        "results/benchmarks/collect_numbers.tsv"
    message:
        "Collecting the in-text numbers (countries, shares upgrading, coefficients)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/collect_numbers.py"


rule map_outputs:
    output:
        md="results/outputs_map.md",
        html=report(
            "results/outputs_map.html",
            category="Provenance",
            subcategory="Outputs map",
            caption="../report/outputs_map.rst",
        ),
    params:
        catalogue=lambda wildcards: rule_catalogue(workflow.rules, workflow.basedir),
    log:
        "results/logs/map_outputs.log",
    benchmark:
        "results/benchmarks/map_outputs.tsv"
    message:
        "Mapping every output to the rule, script and library functions that make it"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/map_outputs.py"
