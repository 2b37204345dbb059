rule generate_demo_world:
    output:
        demo_files(),
    params:
        seed=config["demo"]["seed"],
        n_countries=config["demo"]["n_countries"],
        years=[config["years"]["start"], config["years"]["end"]],
        baci_version=demo_baci_version(),
        out_dir=lambda wildcards, output: os.path.commonpath(output),
    log:
        "results/logs/generate_demo_world.log",
    benchmark:
        "results/benchmarks/generate_demo_world.tsv"
    message:
        "Generating the demo world (seed {params.seed}) in the sources' real file formats"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/generate_demo_world.py"


rule retrieve_baci:
    output:
        protected("resources/raw/baci/{version}/{file}"),
    params:
        download=lambda wildcards: download("baci", wildcards.version, wildcards.file),
    resources:
        cepii_connections=1,
    log:
        "results/logs/retrieve_baci/{version}/{file}.log",
    benchmark:
        "results/benchmarks/retrieve_baci/{version}/{file}.tsv"
    message:
        "Downloading CEPII BACI {wildcards.file} (release {wildcards.version})"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/retrieve_file.py"


rule retrieve_ilostat:
    output:
        protected("resources/raw/ilostat/{version}/{file}"),
    params:
        download=lambda wildcards: download("ilostat", wildcards.version, wildcards.file),
    resources:
        ilostat_connections=1,
    log:
        "results/logs/retrieve_ilostat/{version}/{file}.log",
    benchmark:
        "results/benchmarks/retrieve_ilostat/{version}/{file}.tsv"
    message:
        "Downloading the ILOSTAT bulk file {wildcards.file} (version {wildcards.version})"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/retrieve_file.py"


rule retrieve_wdi:
    output:
        protected("resources/raw/wdi/{version}/{file}"),
    params:
        download=lambda wildcards: download("wdi", wildcards.version, wildcards.file),
    resources:
        worldbank_connections=1,
    log:
        "results/logs/retrieve_wdi/{version}/{file}.log",
    benchmark:
        "results/benchmarks/retrieve_wdi/{version}/{file}.tsv"
    message:
        "Downloading World Bank WDI {wildcards.file} (version {wildcards.version})"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/retrieve_file.py"


rule retrieve_comtrade:
    output:
        protected("resources/raw/comtrade/{version}/{file}"),
    params:
        download=lambda wildcards: download("comtrade", wildcards.version, wildcards.file),
        hs_prefixes=comtrade_hs_prefixes(),
    resources:
        comtrade_connections=1,
    log:
        "results/logs/retrieve_comtrade/{version}/{file}.log",
    benchmark:
        "results/benchmarks/retrieve_comtrade/{version}/{file}.tsv"
    message:
        "Querying UN Comtrade for {wildcards.file} (version {wildcards.version}; key from COMTRADE_API_KEY)"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/retrieve_comtrade.py"


rule retrieve_oecd:
    output:
        protected("resources/raw/oecd/{version}/{file}"),
    params:
        download=lambda wildcards: tiva_download(wildcards.version, wildcards.file),
    resources:
        oecd_connections=1,
    log:
        "results/logs/retrieve_oecd/{version}/{file}.log",
    benchmark:
        "results/benchmarks/retrieve_oecd/{version}/{file}.tsv"
    message:
        "Querying the OECD SDMX API for TiVA {wildcards.file} (edition {wildcards.version})"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/retrieve_tiva.py"


rule retrieve_indstat:
    output:
        "resources/raw/indstat/{version}/{file}",
    params:
        download=lambda wildcards: download("indstat", wildcards.version, wildcards.file),
    log:
        "results/logs/retrieve_indstat/{version}/{file}.log",
    benchmark:
        "results/benchmarks/retrieve_indstat/{version}/{file}.tsv"
    message:
        "UNIDO INDSTAT is licensed: {wildcards.file} must be placed in the raw store by hand"
    conda:
        "../../envs/workflow.yaml"
    script:
        "../scripts/retrieve_indstat.py"
